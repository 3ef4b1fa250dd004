//! Counters for `/metrics` (Prometheus text format): each part counts what it does, the
//! endpoint reads them all. Off unless `MONOSTAT_METRICS=1` or `MONOSTAT_METRICS_TOKEN` is set.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Counts of something by a set of label values, e.g. requests by (route, status).
#[derive(Clone, Default)]
pub struct Counter<K: Ord + Clone>(Arc<Mutex<BTreeMap<K, u64>>>);

impl<K: Ord + Clone> Counter<K> {
    pub fn add(&self, key: K) {
        if let Ok(mut counts) = self.0.lock() {
            *counts.entry(key).or_insert(0) += 1;
        }
    }

    pub fn snapshot(&self) -> Vec<(K, u64)> {
        self.0
            .lock()
            .map(|counts| counts.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default()
    }
}

/// Requests answered, by route pattern and status. Counting a request allocates nothing once its
/// route has been seen: this runs on the page's hot path.
#[derive(Clone, Default)]
pub struct Requests(Arc<Mutex<HashMap<String, HashMap<u16, u64>>>>);

impl Requests {
    pub fn add(&self, route: &str, status: u16) {
        let Ok(mut routes) = self.0.lock() else {
            return;
        };
        match routes.get_mut(route) {
            Some(statuses) => *statuses.entry(status).or_insert(0) += 1,
            None => {
                routes.insert(route.to_owned(), HashMap::from([(status, 1)]));
            }
        }
    }

    /// (route, status, count), sorted.
    pub fn snapshot(&self) -> Vec<(String, u16, u64)> {
        let mut all: Vec<(String, u16, u64)> = self
            .0
            .lock()
            .map(|routes| {
                routes
                    .iter()
                    .flat_map(|(route, statuses)| {
                        statuses.iter().map(|(s, n)| (route.clone(), *s, *n))
                    })
                    .collect()
            })
            .unwrap_or_default();
        all.sort();
        all
    }
}

/// Renderings of the public pages: how many, how many failed, and the time they took.
#[derive(Clone, Default)]
pub struct RenderStats(Arc<[AtomicU64; 3]>);

impl RenderStats {
    pub fn rendered(&self, elapsed: std::time::Duration) {
        self.0[0].fetch_add(1, Ordering::Relaxed);
        self.0[1].fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn failed(&self) {
        self.0[2].fetch_add(1, Ordering::Relaxed);
    }

    /// (renderings, total seconds, failures)
    pub fn read(&self) -> (u64, f64, u64) {
        (
            self.0[0].load(Ordering::Relaxed),
            self.0[1].load(Ordering::Relaxed) as f64 / 1e6,
            self.0[2].load(Ordering::Relaxed),
        )
    }
}

/// A label value as Prometheus wants it quoted.
pub fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_count_by_label() {
        let requests: Counter<(String, u16)> = Counter::default();
        requests.add(("/".into(), 200));
        requests.add(("/".into(), 200));
        requests.add(("/history".into(), 304));
        assert_eq!(
            requests.snapshot(),
            vec![(("/".into(), 200), 2), (("/history".into(), 304), 1)]
        );
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
        let by_route = Requests::default();
        by_route.add("/", 200);
        by_route.add("/", 200);
        by_route.add("/", 304);
        assert_eq!(
            by_route.snapshot(),
            vec![("/".into(), 200, 2), ("/".into(), 304, 1)]
        );
    }
}
