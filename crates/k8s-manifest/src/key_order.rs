//! The order in which `sigs.k8s.io/yaml` (go-yaml v2) writes a mapping's keys.
//!
//! kubeseal's YAML is `yaml.Marshal` of a map read back from JSON, so every
//! key is a string and go-yaml v2 sorts them with its "natural" order
//! (`keyList.Less` in its `sorter.go`), not byte by byte. The rule, for two
//! different keys compared as sequences of Unicode scalar values:
//!
//! 1. Skip the common prefix. If one key is a prefix of the other, the shorter
//!    comes first.
//! 2. At the first differing character: two letters (Unicode category L)
//!    compare by code point; a letter comes after any character that is not
//!    one (so `_x` < `A` < `a`, and `a2` < `aa`).
//! 3. Otherwise the runs of decimal digits (category Nd) that start there
//!    compare by value: `a2` < `a10`, `9` < `10`. Each digit counts its code
//!    point minus `'0'` and the value wraps as a signed 64-bit integer, as in
//!    Go. A `0` at that place is significant when the shared prefix ends in
//!    digits that are not all zeros (`10` vs `1-`: the zero makes 10, not 0).
//!    A character that is no digit has an empty run of value 0, so
//!    punctuation comes before digits (`1-` < `10`).
//! 4. Equal values: the shorter run first (`1` < `01`); then code points.
//!
//! This rule is not transitive, not even on ASCII keys: `a10` < `a1b`
//! (`0` is no letter, `b` is), `a1b` < `a2` (1 < 2) and `a2` < `a10`
//! (2 < 10). No order agrees with it on every pair, and go-yaml's own output
//! for such a set depends on Go's random map iteration order. So keys are
//! sorted here by [`sort`], a merge sort that only asks [`less`] and never
//! fails on an inconsistent rule: wherever the rule is consistent on a set of
//! keys (a set with no such cycle, e.g. keys without digits, or whole
//! numbers), the result is the one order go-yaml writes; for a set with a
//! cycle, go-yaml writes no fixed order and this is one deterministic order.
//! (`slice::sort_by` may panic on an inconsistent comparison.) Digits of
//! other scripts count their code point minus `'0'` and runs of 19 digits or
//! more wrap, both as in Go.
//!
//! Letters and digits are looked up in `unicode-properties`' tables
//! (Unicode 18.0.0); Go's `unicode` package has its own edition
//! (`unicode.Version`, 15.0.0 in Go 1.21 to 1.25). Only a character that is
//! a letter or a decimal digit in one edition and not in the other can sort
//! differently.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Sorts `items` by their keys in go-yaml v2's order: a stable merge sort
/// that asks only [`less`] (see the [module docs](self)).
pub(crate) fn sort<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &str + Copy) {
    if items.len() < 2 {
        return;
    }
    let mut right = items.split_off(items.len() / 2);
    sort(items, key);
    sort(&mut right, key);
    let left = std::mem::take(items);
    items.reserve(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        // Stable: the right item goes first only when strictly less.
        let next = if less(key(r), key(l)) {
            right.next()
        } else {
            left.next()
        };
        items.extend(next);
    }
    items.extend(left);
    items.extend(right);
}

/// Unicode category L (Go's `unicode.IsLetter`).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.general_category_group() == GeneralCategoryGroup::Letter
    }
}

/// Unicode category Nd (Go's `unicode.IsDigit`).
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.general_category() == GeneralCategory::DecimalNumber
    }
}

/// Whether `a` sorts before `b`.
pub(crate) fn less(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let Some(i) = a.iter().zip(&b).position(|(x, y)| x != y) else {
        return a.len() < b.len();
    };
    let (x, y) = (a[i], b[i]);
    match (is_letter(x), is_letter(y)) {
        (true, true) => return x < y,
        (true, false) => return false,
        (false, true) => return true,
        (false, false) => {}
    }
    let zero_counts = (x == '0' || y == '0')
        && a[..i]
            .iter()
            .rev()
            .take_while(|c| is_digit(**c))
            .any(|c| *c != '0');
    let (va, end_a) = digit_run(&a, i, i64::from(zero_counts));
    let (vb, end_b) = digit_run(&b, i, i64::from(zero_counts));
    if va != vb {
        return va < vb;
    }
    if end_a != end_b {
        return end_a < end_b;
    }
    x < y
}

/// The value of the run of digits of `s` from `start` (seeded with `seed`),
/// and the index after it.
fn digit_run(s: &[char], start: usize, seed: i64) -> (i64, usize) {
    let mut value = seed;
    let mut end = start;
    while let Some(&c) = s.get(end).filter(|c| is_digit(**c)) {
        value = value
            .wrapping_mul(10)
            .wrapping_add(i64::from(u32::from(c)) - i64::from(u32::from('0')));
        end += 1;
    }
    (value, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        sort(&mut v, String::as_str);
        v
    }

    /// Expected orders worked out by hand from go-yaml v2's rule (module
    /// docs), each differing from byte order; the input is given in byte order.
    #[test]
    fn go_yaml_v2_orders_written_from_the_rule() {
        let cases: &[(&[&str], &[&str])] = &[
            // Non-letters before letters, punctuation before digits, numbers by value.
            (
                &["10", "9", "A", "_x", "a-b", "a.b", "a10", "a2"],
                &["_x", "9", "10", "A", "a-b", "a.b", "a2", "a10"],
            ),
            // Leading zeros: equal values, the shorter run first.
            (
                &["001", "01", "1", "1-", "1.0", "10"],
                &["1", "1-", "1.0", "01", "001", "10"],
            ),
            // A zero after a non-zero digit counts (a100 is 100, not 0).
            (
                &["a007", "a07", "a100", "a19", "a7"],
                &["a7", "a07", "a007", "a19", "a100"],
            ),
            // Secret data keys.
            (
                &[
                    "-dash",
                    "PASSWORD",
                    "_hidden",
                    "ca.crt",
                    "password10",
                    "password2",
                    "tls.crt",
                    "tls.key",
                ],
                &[
                    "-dash",
                    "_hidden",
                    "PASSWORD",
                    "ca.crt",
                    "password2",
                    "password10",
                    "tls.crt",
                    "tls.key",
                ],
            ),
            // Letters are category L (é after z by code point); U+0345 (a mark,
            // alphabetic but no letter) and U+0663 (an Arabic-Indic digit) come first.
            (
                &["a", "z", "\u{e9}", "\u{345}", "\u{663}"],
                &["\u{345}", "\u{663}", "a", "z", "\u{e9}"],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(&sorted(input), want, "{input:?}");
            let mut reversed = input.to_vec();
            reversed.reverse();
            assert_eq!(&sorted(&reversed), want, "{reversed:?}");
        }
    }

    /// Digits of other scripts (category Nd, Go's `unicode.IsDigit`) count
    /// their code point minus `'0'`, as Go's `ar[ai]-'0'` does on runes.
    #[test]
    fn go_yaml_v2_counts_other_digits_by_code_point_minus_zero() {
        // At index 1 all four differ and none is a letter; the runs are
        // `9` = 9, `10` = 10, U+0663 ARABIC-INDIC THREE = 0x663 - 0x30 = 1587,
        // U+FF11 FULLWIDTH ONE = 0xFF11 - 0x30 = 65249. Byte order puts a10 first.
        assert_eq!(
            sorted(&["a10", "a9", "a\u{663}", "a\u{ff11}"]),
            ["a9", "a10", "a\u{663}", "a\u{ff11}"]
        );
        // The run starts where the keys differ (index 2): U+0663 alone is
        // 1587, `599` is 599; so a1599 first, though the byte order agrees here
        // only by chance (U+0663 is D9 A3 in UTF-8, after `5`).
        assert!(less("a1599", "a1\u{663}"));
        assert!(!less("a1\u{663}", "a1599"));
        // Index 1: U+0660 ARABIC-INDIC ZERO against `0`. Only an ASCII `0`
        // asks for the zero rule; `0` is here, and the prefix `1` is a
        // non-zero digit, so both runs start at 1: 1*10 + 0 = 10 against
        // 1*10 + (0x660 - 0x30) = 1594.
        assert!(less("10", "1\u{660}"));
        // U+00B2 SUPERSCRIPT TWO is No, not Nd: no digit, no letter, an empty
        // run of value 0, so it sorts like punctuation, before any digit.
        assert!(less("\u{b2}", "0"));
        assert!(less("\u{b2}x", "1"));
    }

    /// Runs of 19 digits or more overflow Go's int64 and wrap
    /// (`an = an*10 + ...`), so a long number can sort before a short one.
    #[test]
    fn go_yaml_v2_wraps_long_digit_runs_as_int64() {
        // 19 nines = 9999999999999999999 = 10^19 - 1 > 2^63 - 1: it wraps to
        // 10^19 - 1 - 2^64 = -8446744073709551617. 10^19 wraps to
        // -8446744073709551616. `1` is a prefix of 10^19, so it comes first;
        // against 19 nines (index 0: 9 vs 1) the wrapped value is negative.
        // Byte order would be 1, 10^19, 19 nines.
        assert_eq!(
            sorted(&["1", "10000000000000000000", "9999999999999999999"]),
            ["9999999999999999999", "1", "10000000000000000000"]
        );
        // 2^63 = 9223372036854775808 wraps to i64::MIN: before `x1`.
        assert!(less("x9223372036854775808", "x1"));
        // 2^63 - 1 does not wrap: after `x1`.
        assert!(less("x1", "x9223372036854775807"));
        // 2^64 + 1 = 18446744073709551617 wraps to 1, which is less than 2.
        assert!(less("18446744073709551617", "2"));
        // 2^64 wraps to 0: equal to `0` (the zero rule does not apply, no
        // prefix), so the shorter run goes first.
        assert!(less("0", "18446744073709551616"));
        assert!(!less("18446744073709551616", "0"));
    }

    /// Go's `unicode.IsLetter` is category L (Lu, Ll, Lt, Lm, Lo), not Rust's
    /// `char::is_alphabetic` (which adds Nl and Other_Alphabetic marks and symbols).
    #[test]
    fn go_yaml_v2_letters_are_category_l_not_alphabetic() {
        // U+2160 ROMAN NUMERAL ONE (Nl) and U+24B6 CIRCLED LATIN CAPITAL A
        // (So) are alphabetic to Rust but no letters to Go: against `-`/`.`
        // (no letters either, empty runs, equal values and ends) they compare
        // by code point and come after them; against `a` they come first.
        // Byte order would put `a` before both.
        assert!('\u{2160}'.is_alphabetic() && '\u{24b6}'.is_alphabetic());
        assert_eq!(sorted(&["-", "a", "\u{2160}"]), ["-", "\u{2160}", "a"]);
        assert_eq!(sorted(&[".", "a", "\u{24b6}"]), [".", "\u{24b6}", "a"]);
        // U+01C5 (Lt), U+02B0 (Lm) and U+00AA (Lo, in Go's Latin-1 table as a
        // letter) are letters: after `_`, and among letters by code point.
        assert_eq!(
            sorted(&["\u{2b0}", "\u{1c5}", "\u{aa}", "_", "z"]),
            ["_", "z", "\u{aa}", "\u{1c5}", "\u{2b0}"]
        );
        assert!(less("_", "\u{2b0}") && !less("\u{2b0}", "_"));
    }

    /// The guide's compatibility page (docs/compatibility.md) names this Unicode version for the letter and
    /// digit tables; a crate update that changes it must update the note.
    #[test]
    fn unicode_tables_are_the_version_the_readme_names() {
        assert_eq!(unicode_properties::UNICODE_VERSION, (18, 0, 0));
    }

    /// go-yaml v2's rule has cycles even on ASCII keys; sorting them neither
    /// panics nor loses a key.
    #[test]
    fn the_rule_is_not_transitive_and_sorting_still_works() {
        assert!(less("a10", "a1b"));
        assert!(less("a1b", "a2"));
        assert!(less("a2", "a10"));
        let mut got = sorted(&["a2", "a10", "a1b"]);
        got.sort();
        assert_eq!(got, ["a10", "a1b", "a2"]);
    }

    /// Whether `less` has a 3-cycle on `keys` (a tournament is transitive iff it has none).
    fn has_cycle(keys: &[String]) -> bool {
        keys.iter().any(|a| {
            keys.iter()
                .any(|b| less(a, b) && keys.iter().any(|c| less(b, c) && less(c, a)))
        })
    }

    proptest! {
        /// Irreflexive, and exactly one of a < b, b < a for distinct keys.
        #[test]
        fn strict_and_connex(a in "[a-cA_.\\-0-2\u{e9}\u{663}]{0,6}", b in "[a-cA_.\\-0-2\u{e9}\u{663}]{0,6}") {
            prop_assert!(!less(&a, &a));
            if a != b {
                prop_assert!(less(&a, &b) != less(&b, &a), "{:?} {:?}", a, b);
            }
        }

        /// Wherever the rule is consistent on a set, the sort gives its one
        /// order (every pair in order); otherwise a permutation.
        #[test]
        fn sorted_wherever_consistent(keys in proptest::collection::btree_set("[a-b0-2_.]{0,4}", 0..9)) {
            let keys: Vec<String> = keys.into_iter().collect();
            let mut out = keys.clone();
            sort(&mut out, String::as_str);
            let mut again = out.clone();
            again.sort();
            prop_assert_eq!(&again, &keys);
            if !has_cycle(&keys) {
                for (i, a) in out.iter().enumerate() {
                    for b in &out[i + 1..] {
                        prop_assert!(!less(b, a), "{:?} before {:?} in {:?}", a, b, out);
                    }
                }
            }
        }

        /// Keys without digits: characters ranked non-letters first, then
        /// letters, each by code point; a prefix first (an independent oracle).
        #[test]
        fn without_digits_the_order_is_by_character_rank(keys in proptest::collection::btree_set("[a-zA-Z_.\\-/\u{e9}\u{3b1}\u{345}]{0,5}", 0..12)) {
            let mut out: Vec<String> = keys.iter().cloned().collect();
            sort(&mut out, String::as_str);
            let rank = |s: &String| -> Vec<(bool, char)> {
                s.chars().map(|c| (c.is_ascii_alphabetic() || c == '\u{e9}' || c == '\u{3b1}', c)).collect()
            };
            let mut want: Vec<String> = keys.into_iter().collect();
            want.sort_by_key(rank);
            prop_assert_eq!(out, want);
        }

        /// Whole numbers (no leading zero) sort by value.
        #[test]
        fn numbers_sort_by_value(keys in proptest::collection::btree_set(1u64..10_000_000_000_000, 0..12)) {
            let mut out: Vec<String> = keys.iter().map(u64::to_string).collect();
            sort(&mut out, String::as_str);
            let want: Vec<String> = keys.iter().map(u64::to_string).collect();
            prop_assert_eq!(out, want);
        }
    }
}
