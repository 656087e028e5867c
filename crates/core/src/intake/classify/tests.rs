use proptest::prelude::*;

use super::*;

const TOY: &[(&str, &str)] = &[
    (
        "Wniosek o zezwolenie na wycinkę drzew rosnących na działce",
        "OS",
    ),
    ("Zgłoszenie zamiaru usunięcia drzewa z nieruchomości", "OS"),
    ("Proszę o zgodę na wycięcie dwóch brzóz przy domu", "OS"),
    ("Skarga na zanieczyszczenie potoku ściekami", "OS"),
    ("Drzewo grozi przewróceniem, prośba o oględziny", "OS"),
    ("Wniosek o nasadzenia zastępcze drzew i krzewów", "OS"),
    ("Zgłoszenie nielegalnego wysypiska śmieci w lesie", "OS"),
    ("Pielęgnacja zieleni i drzew w parku gminnym", "OS"),
    (
        "Dziura w jezdni na ulicy Polnej, proszę o naprawę drogi",
        "GK",
    ),
    ("Wniosek o zajęcie pasa drogowego pod przyłącze", "GK"),
    ("Prośba o remont chodnika przy szkole", "GK"),
    (
        "Zgłoszenie uszkodzonego znaku drogowego na skrzyżowaniu",
        "GK",
    ),
    (
        "Wniosek o budowę progu zwalniającego na drodze gminnej",
        "GK",
    ),
    ("Nieodśnieżona droga dojazdowa do wsi", "GK"),
    ("Projekt organizacji ruchu na ulicy Leśnej", "GK"),
    ("Oświetlenie uliczne nie działa na drodze", "GK"),
    (
        "Deklaracja na podatek od nieruchomości za bieżący rok",
        "FN",
    ),
    ("Wniosek o umorzenie zaległości podatkowej", "FN"),
    ("Korekta informacji o gruntach i podatku rolnym", "FN"),
    ("Prośba o rozłożenie podatku na raty", "FN"),
    ("Zaświadczenie o niezaleganiu w podatkach", "FN"),
    ("Zwrot nadpłaty podatku od środków transportowych", "FN"),
    (
        "Odwołanie od decyzji ustalającej wymiar podatku leśnego",
        "FN",
    ),
    ("Wpłata podatku rolnego, prośba o wyjaśnienie kwoty", "FN"),
];

fn toy() -> Vec<Example<'static>> {
    TOY.iter()
        .map(|(text, label)| Example { text, label })
        .collect()
}

fn small() -> TrainParams {
    TrainParams {
        hash_bits: 16,
        ..TrainParams::default()
    }
}

fn toy_model() -> Model {
    match Model::train(&toy(), &small()) {
        Ok(m) => m,
        Err(e) => panic!("toy model: {e}"),
    }
}

#[test]
fn routes_a_tree_felling_to_environment() {
    let m = toy_model();
    let p = m
        .predict("wycinka drzewa na posesji")
        .expect("has features");
    assert_eq!(p.label, "OS");
    assert!(p.confidence > 0.5, "{p:?}");
    let p = m
        .predict("ZAŁATANIE DZIURY W DRODZE")
        .expect("has features");
    assert_eq!(p.label, "GK");
    let p = m.predict("podatek od nieruchomosci").expect("has features");
    assert_eq!(p.label, "FN");
}

#[test]
fn ranking_holds_every_label_as_probabilities() {
    let m = toy_model();
    let p = m
        .predict("remont drogi i wycinka drzew")
        .expect("has features");
    assert_eq!(m.labels(), ["FN", "GK", "OS"]);
    assert_eq!(p.ranking.len(), 3);
    assert_eq!(p.ranking[0].0, p.label);
    assert!((p.ranking[0].1 - p.confidence).abs() < 1e-12);
    assert!(p.ranking.windows(2).all(|w| w[0].1 >= w[1].1));
    let total: f64 = p.ranking.iter().map(|(_, q)| q).sum();
    assert!((total - 1.0).abs() < 1e-5, "{total}");
}

#[test]
fn evidence_names_words_of_the_text() {
    let m = toy_model();
    let text = "wycinka drzewa na posesji";
    let p = m.predict(text).expect("has features");
    assert!(!p.evidence.is_empty() && p.evidence.len() <= EVIDENCE);
    assert!(p.evidence.iter().all(|e| e.weight > 0.0));
    assert!(p.evidence.windows(2).all(|w| w[0].weight >= w[1].weight));
    let words = features::tokens(text, 1000);
    for e in &p.evidence {
        assert!(
            e.feature.split(' ').all(|w| words.iter().any(|t| t == w)),
            "{e:?}"
        );
    }
    assert!(
        p.evidence.iter().any(|e| e.feature.contains("drzew")),
        "{:?}",
        p.evidence
    );
}

#[test]
fn no_features_no_prediction() {
    let m = toy_model();
    assert!(m.predict("").is_none());
    assert!(m.predict(" ,.;!? ").is_none());
}

#[test]
fn training_is_deterministic() {
    let a = toy_model().to_bytes();
    let b = toy_model().to_bytes();
    assert_eq!(a, b);
    let other = Model::train(&toy(), &TrainParams { seed: 7, ..small() }).expect("trains");
    assert_ne!(a, other.to_bytes(), "the seed must matter");
}

#[test]
fn bytes_round_trip_gives_identical_predictions() {
    let m = toy_model();
    let bytes = m.to_bytes();
    assert_eq!(&bytes[..4], b"RZCL");
    let back = Model::from_bytes(&bytes).expect("reads back");
    assert_eq!(back, m);
    for (text, _) in TOY {
        assert_eq!(back.predict(text), m.predict(text));
    }
    assert_eq!(back.to_bytes(), bytes);
}

#[test]
fn damaged_bytes_are_refused() {
    let bytes = toy_model().to_bytes();
    assert_eq!(Model::from_bytes(b""), Err(ClassifyError::Truncated));
    assert_eq!(
        Model::from_bytes(b"PK\x03\x04zip file"),
        Err(ClassifyError::BadMagic)
    );
    let mut v2 = bytes.clone();
    v2[4] = 2;
    assert_eq!(
        Model::from_bytes(&v2),
        Err(ClassifyError::UnsupportedVersion(2))
    );
    assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    let mut flipped = bytes.clone();
    let mid = bytes.len() / 2;
    flipped[mid] ^= 0x40;
    assert_eq!(
        Model::from_bytes(&flipped),
        Err(ClassifyError::Corrupt("checksum mismatch"))
    );
}

#[test]
fn training_refuses_what_it_cannot_learn() {
    let p = small();
    assert_eq!(Model::train(&[], &p), Err(ClassifyError::NoExamples));
    let one = [
        Example {
            text: "droga",
            label: "GK",
        },
        Example {
            text: "chodnik",
            label: "GK",
        },
    ];
    assert_eq!(Model::train(&one, &p), Err(ClassifyError::TooFewLabels(1)));
    let empty = [
        Example {
            text: "droga",
            label: "",
        },
        Example {
            text: "las",
            label: "OS",
        },
    ];
    assert_eq!(Model::train(&empty, &p), Err(ClassifyError::EmptyLabel));
    let mute = [
        Example {
            text: "...",
            label: "GK",
        },
        Example {
            text: "!",
            label: "OS",
        },
    ];
    assert_eq!(Model::train(&mute, &p), Err(ClassifyError::NoFeatures));
    let bad = TrainParams {
        hash_bits: 40,
        ..small()
    };
    assert!(matches!(
        Model::train(&toy(), &bad),
        Err(ClassifyError::BadParams(_))
    ));
}

#[test]
fn split_is_stratified_seeded_and_complete() {
    let ex = toy();
    let (train, test) = split(&ex, 0.25, 1);
    assert_eq!(train.len() + test.len(), ex.len());
    for label in ["OS", "GK", "FN"] {
        assert_eq!(
            test.iter().filter(|e| e.label == label).count(),
            2,
            "{label}"
        );
    }
    assert_eq!(split(&ex, 0.25, 1), (train.clone(), test.clone()));
    assert_ne!(split(&ex, 0.25, 2).1, test);
    let (_, none) = split(&ex, 0.0, 1);
    assert!(none.is_empty());
}

#[test]
fn metrics_follow_their_definitions() {
    let m = toy_model();
    let test = [
        Example {
            text: "wycinka drzew",
            label: "OS",
        },
        Example {
            text: "dziura w drodze",
            label: "GK",
        },
        Example {
            text: "podatek rolny",
            label: "FN",
        },
        Example {
            text: "podatek rolny",
            label: "XX",
        },
    ];
    let r = evaluate(&m, &test);
    assert_eq!(r.labels, ["FN", "GK", "OS", "XX"]);
    assert_eq!(r.test_count, 4);
    assert!((r.accuracy - 0.75).abs() < 1e-12);
    assert_eq!(r.confusion[3][0], 1, "unknown gold label predicted as FN");
    assert_eq!(r.confusion.iter().flatten().sum::<u32>(), 4);
    // FN: tp 1, gold 1, predicted 2 → 2/3; GK, OS: 1; XX: 0 → macro (2/3 + 1 + 1 + 0) / 4.
    assert!((r.per_label_f1[0] - 2.0 / 3.0).abs() < 1e-12, "{r:?}");
    assert!((r.macro_f1 - (2.0 / 3.0 + 2.0) / 4.0).abs() < 1e-12);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Model::from_bytes(&bytes);
        let mut with_magic = b"RZCL\x01\x00".to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = Model::from_bytes(&with_magic);
    }

    #[test]
    fn any_truncation_is_an_error(cut in 0usize..10_000) {
        let bytes = TOY_BYTES.with(|b| b.clone());
        let cut = cut % bytes.len();
        prop_assert!(Model::from_bytes(&bytes[..cut]).is_err());
    }

    #[test]
    fn any_single_byte_change_is_caught(at in 0usize..10_000, x in 1u8..=255) {
        let mut bytes = TOY_BYTES.with(|b| b.clone());
        let at = at % bytes.len();
        bytes[at] ^= x;
        prop_assert!(Model::from_bytes(&bytes).is_err());
    }

    #[test]
    fn prediction_is_total_and_well_formed(text in "\\PC{0,80}") {
        let m = TOY_MODEL.with(Clone::clone);
        if let Some(p) = m.predict(&text) {
            prop_assert!(p.confidence.is_finite() && p.confidence > 0.0 && p.confidence <= 1.0);
            prop_assert_eq!(p.ranking.len(), 3);
            prop_assert!(p.evidence.len() <= EVIDENCE);
        }
    }
}

thread_local! {
    static TOY_MODEL: Model = toy_model();
    static TOY_BYTES: Vec<u8> = toy_model().to_bytes();
}
