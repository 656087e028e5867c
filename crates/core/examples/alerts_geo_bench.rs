//! How fast an alert's area is matched against residents' points.
//!
//! `cargo run --release -p ratusz-core --example alerts_geo_bench [points] [vertices]`
//! (default 100,000 points, a 50-vertex polygon). Prints the best of five runs.

use std::time::Instant;

use ratusz_core::alerts::{bench_workload, count_contained};

fn main() {
    let mut args = std::env::args().skip(1);
    let points: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let vertices: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let (area, pts) = bench_workload(points, vertices);
    let mut best = f64::INFINITY;
    let mut inside = 0;
    for _ in 0..5 {
        let start = Instant::now();
        inside = count_contained(&area, std::hint::black_box(&pts));
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{points} points, {vertices}-vertex polygon: {inside} inside; best of 5: {:.2} ms ({:.1} ns a point)",
        best * 1e3,
        best * 1e9 / points.max(1) as f64
    );
}
