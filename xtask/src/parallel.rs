//! Work shared out over the machine's cores where it is free: items split into one share per core, each
//! share mapped on its own scoped thread, the results in the items' order. Same items in, same output out,
//! whatever the number of cores.

/// Below this many items one thread does the work: threads cost more than they save.
const MIN_ITEMS: usize = 64;

/// `f` over `items`, in shares over the machine's cores; the results in the items' order.
pub fn map_on_every_core<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    map_on(items, std::thread::available_parallelism().map_or(1, usize::from), f)
}

/// [`map_on_every_core`] on `cores` threads.
fn map_on<T: Send, U: Send>(mut items: Vec<T>, cores: usize, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    if cores < 2 || items.len() < MIN_ITEMS {
        return items.into_iter().map(f).collect();
    }
    let share = items.len().div_ceil(cores);
    let mut shares = Vec::with_capacity(cores);
    while items.len() > share {
        let rest = items.split_off(share);
        shares.push(std::mem::replace(&mut items, rest));
    }
    shares.push(items);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| s.spawn(move || share.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_on_any_number_of_threads() {
        let items: Vec<usize> = (0..1000).collect();
        let expected: Vec<usize> = items.iter().map(|i| i * 3).collect();
        for cores in [1, 2, 3, 7] {
            assert_eq!(map_on(items.clone(), cores, |i| i * 3), expected, "on {cores} threads");
        }
    }
}
