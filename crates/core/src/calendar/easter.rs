//! Easter Sunday by the Gregorian computus.

use time::{Date, Month};

/// Easter Sunday of `year` in the Gregorian calendar (`None` only if the date cannot be
/// represented, which never happens for 1583–9999).
///
/// Legal basis: the ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, art. 1 pkt 1
/// lit. c, d, g, h, names the feasts by the Church calendar ("pierwszy dzień Wielkiej Nocy",
/// "drugi dzień Wielkiej Nocy", "pierwszy dzień Zielonych Świątek", "dzień Bożego Ciała"); the
/// Catholic Church reckons Easter by the Gregorian computus of 1582. This is the anonymous
/// Gregorian algorithm (Meeus/Jones/Butcher), which reproduces the computus tables exactly.
pub fn easter_sunday(year: i32) -> Option<Date> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    // h: the epact-derived days from 21 March to the Paschal full moon.
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    // l: days from the Paschal full moon to the following Sunday.
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = Month::try_from(u8::try_from(n.div_euclid(31)).ok()?).ok()?;
    let day = u8::try_from(n.rem_euclid(31) + 1).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}
