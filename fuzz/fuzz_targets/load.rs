//! Loading: size and encoding checks, the YAML structure walk and span table, the
//! schema. Any input must give a document or diagnostics with spans inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcppolicy_core::{load, schema, source::SourceMap};

fuzz_target!(|data: &[u8]| {
    let mut sources = SourceMap::new();
    let (file, err) = load::from_bytes(data.to_vec(), "fuzz.yaml".into(), &mut sources);
    let len = sources.get(file).text().len();
    let diagnostics = match err {
        Some(d) => vec![d],
        None => match load::parse(file, &sources) {
            Err(d) => d,
            Ok(doc) => {
                for pointer in doc.spans.pointers() {
                    let node = doc.spans.get(pointer).expect("a listed pointer has spans");
                    assert!(node.value.end <= len, "span past the end for {pointer}");
                }
                // The fast path must never accept what the validator rejects.
                if schema::fast_path(&doc).is_some() {
                    assert!(schema::validate(&doc).is_empty(), "fast path accepted an invalid document");
                }
                schema::check(&doc).err().unwrap_or_default()
            }
        },
    };
    for d in diagnostics {
        assert!(d.primary.span.end <= len.max(d.primary.span.start), "{}: span past the end", d.code.id);
        let _ = sources.get(d.primary.file).line_col(d.primary.span.start);
    }
});
