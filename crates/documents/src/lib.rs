//! Reads the documents people have into plain text: a CV as PDF (its text layer, with
//! `lopdf`), as DOCX (the paragraphs of `word/document.xml`, with `zip` and `quick-xml`), or as
//! plain text. Bytes in, text out: no files, no network, no external programs, and nothing in a
//! document ever runs (a DOCX's macros are never read; a PDF's scripts are never run).
//!
//! Limits keep a hostile upload cheap: the upload's size ([`MAX_BYTES`]), the pages read
//! ([`MAX_PAGES`]), the decompressed size of a page or of a DOCX's text ([`MAX_INFLATED`]), and
//! the text kept ([`MAX_TEXT_CHARS`]). What cannot be read says why in words a person can act
//! on: a password-protected PDF, a scan without a text layer, an old `.doc`.

use std::io::Read;

use quick_xml::events::Event;

/// The largest upload read: 5 MB.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The pages of a PDF read (a CV has a few; the rest is ignored).
pub const MAX_PAGES: usize = 30;
/// The most a page's content, or a DOCX's text part, may inflate to: 20 MB.
pub const MAX_INFLATED: usize = 20 * 1024 * 1024;
/// The characters of text kept (what skill extraction reads).
pub const MAX_TEXT_CHARS: usize = 100_000;

/// What kind of document the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A PDF (`%PDF-`).
    Pdf,
    /// An Office Open XML word-processing document (a ZIP with `word/document.xml`).
    Docx,
    /// UTF-8 text.
    Text,
}

impl Kind {
    /// Its usual name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Text => "text",
        }
    }
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    /// Over [`MAX_BYTES`].
    #[error("the file is {size} bytes; at most {limit} are read (5 MB)")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Nothing was sent.
    #[error("the file is empty")]
    Empty,
    /// A format Guild does not read.
    #[error("{0}: save it as PDF, DOCX or plain text and try again")]
    Unsupported(&'static str),
    /// A PDF locked with a password.
    #[error(
        "the PDF is protected with a password: save a copy without one (or as plain text) and try again"
    )]
    Encrypted,
    /// Broken or not what it claims to be.
    #[error("the {kind} file cannot be read: {why}")]
    Malformed {
        /// PDF or DOCX.
        kind: &'static str,
        /// What went wrong.
        why: String,
    },
    /// Read, but no text in it (a scanned PDF).
    #[error(
        "the {0} has no text in it (a scan or a picture?): Guild reads typed text; paste the text instead"
    )]
    NoText(&'static str),
}

/// The kind of `bytes`, by their first bytes (never by the file name, which anyone can type).
pub fn kind_of(bytes: &[u8]) -> Result<Kind, DocumentError> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Kind::Docx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DocumentError::Unsupported(
            "an old Word (.doc) or other Office 97 file",
        ));
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(DocumentError::Unsupported("an RTF file"));
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G'])
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
    {
        return Err(DocumentError::Unsupported("a picture"));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(Kind::Text),
        Err(_) => Err(DocumentError::Unsupported(
            "a file that is neither PDF, DOCX nor UTF-8 text",
        )),
    }
}

/// The text of a document, whatever of the three kinds it is, cut to [`MAX_TEXT_CHARS`].
pub fn read_text(bytes: &[u8]) -> Result<(Kind, String), DocumentError> {
    if bytes.len() > MAX_BYTES {
        return Err(DocumentError::TooLarge {
            size: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DocumentError::Empty);
    }
    let kind = kind_of(bytes)?;
    let text = match kind {
        Kind::Pdf => pdf_text(bytes)?,
        Kind::Docx => docx_text(bytes)?,
        Kind::Text => String::from_utf8_lossy(bytes).into_owned(),
    };
    let text = tidy(&text);
    if text.is_empty() {
        return Err(DocumentError::NoText(kind.name()));
    }
    Ok((kind, text.chars().take(MAX_TEXT_CHARS).collect()))
}

/// Lines trimmed, runs of blank lines made one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

fn pdf_text(bytes: &[u8]) -> Result<String, DocumentError> {
    let malformed = |why: String| DocumentError::Malformed { kind: "PDF", why };
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(doc) => doc,
        // A document whose user password is empty opens; one that needs a password does not.
        Err(lopdf::Error::Decryption(_)) | Err(lopdf::Error::InvalidPassword) => {
            return Err(DocumentError::Encrypted);
        }
        Err(e) if e.to_string().to_lowercase().contains("encrypt") => {
            return Err(DocumentError::Encrypted);
        }
        Err(e) => return Err(malformed(e.to_string())),
    };
    if doc.is_encrypted() {
        return Err(DocumentError::Encrypted);
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().take(MAX_PAGES).collect();
    if pages.is_empty() {
        return Err(malformed("it has no pages".to_owned()));
    }
    let mut text = String::new();
    // A page that fails alone (an odd font, a broken stream) leaves the others readable.
    let mut failed = None;
    for chunk in doc.extract_text_chunks_with_limit(&pages, MAX_INFLATED) {
        match chunk {
            Ok(t) => {
                text.push_str(&t);
                text.push('\n');
            }
            Err(e) => failed = Some(e.to_string()),
        }
    }
    match failed {
        Some(why) if text.trim().is_empty() => Err(malformed(why)),
        _ => Ok(text),
    }
}

fn docx_text(bytes: &[u8]) -> Result<String, DocumentError> {
    let malformed = |why: String| DocumentError::Malformed { kind: "DOCX", why };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| malformed(format!("not a ZIP archive ({e})")))?;
    if archive.index_for_name("word/document.xml").is_none() {
        let what = if archive.index_for_name("content.xml").is_some() {
            "an OpenDocument (.odt) file"
        } else {
            "a ZIP file that is not a Word document"
        };
        return Err(DocumentError::Unsupported(what));
    }
    let part = archive
        .by_name("word/document.xml")
        .map_err(|e| malformed(e.to_string()))?;
    if part.encrypted() {
        return Err(DocumentError::Encrypted);
    }
    // Read at most the limit, whatever the archive claims: a zip bomb stops here.
    let mut xml = Vec::new();
    part.take(MAX_INFLATED as u64 + 1)
        .read_to_end(&mut xml)
        .map_err(|e| malformed(e.to_string()))?;
    if xml.len() > MAX_INFLATED {
        return Err(malformed(format!(
            "its text part is over {} MB",
            MAX_INFLATED / (1024 * 1024)
        )));
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut text = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "t" => in_text = true,
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "tab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_text => {
                // Entities inside a run (&amp;, &#233;) arrive as events of their own.
                let c = match r.resolve_char_ref().map_err(|e| malformed(e.to_string()))? {
                    Some(c) => Some(c.to_string()),
                    None => quick_xml::escape::resolve_predefined_entity(&r).map(str::to_owned),
                };
                text.push_str(c.as_deref().unwrap_or(""));
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(malformed(e.to_string())),
            _ => {}
        }
        buf.clear();
    }
    Ok(text)
}

/// Small documents made in memory, as a word processor would write them: for tests and demos
/// of the readers above (and of the pages that take uploads).
pub mod sample {
    use std::io::Write;

    /// A one-page PDF with `lines` as its text, made with lopdf (as a word processor would).
    pub fn pdf(lines: &[&str]) -> Result<Vec<u8>, String> {
        use lopdf::content::{Content, Operation};
        use lopdf::{Document, Object, Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources_id = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
        });
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![50.into(), 700.into()]),
            Operation::new("TL", vec![14.into()]),
        ];
        for l in lines {
            ops.push(Operation::new("Tj", vec![Object::string_literal(*l)]));
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(
            dictionary! {},
            content.encode().map_err(|e| e.to_string())?,
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
                "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// A DOCX with `paragraphs`, stored and deflated as Word writes them.
    pub fn docx(paragraphs: &[&str]) -> Result<Vec<u8>, String> {
        let body: String = paragraphs
            .iter()
            .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
            .collect();
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        );
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts)
            .map_err(|e| e.to_string())?;
        zip.write_all(b"<Types/>").map_err(|e| e.to_string())?;
        zip.start_file("word/document.xml", opts)
            .map_err(|e| e.to_string())?;
        zip.write_all(xml.as_bytes()).map_err(|e| e.to_string())?;
        zip.finish().map_err(|e| e.to_string())?;
        Ok(out.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::sample::{docx, pdf};
    use super::*;
    use std::io::Write;

    #[test]
    fn a_pdf_cv_reads_as_its_text() {
        let bytes = pdf(&["Machinist, Rexnord, 2009-2024", "Set up and ran CNC lathes"]).unwrap();
        let (kind, text) = read_text(&bytes).unwrap();
        assert_eq!(kind, Kind::Pdf);
        assert!(text.contains("Machinist, Rexnord"), "{text}");
        assert!(text.contains("CNC lathes"), "{text}");
    }

    #[test]
    fn a_docx_cv_reads_as_its_paragraphs() {
        let bytes = docx(&[
            "Orderpicker bij Bol",
            "Ik scan pakketten &amp; laad vrachtwagens",
        ])
        .unwrap();
        let (kind, text) = read_text(&bytes).unwrap();
        assert_eq!(kind, Kind::Docx);
        assert_eq!(
            text,
            "Orderpicker bij Bol\nIk scan pakketten & laad vrachtwagens"
        );
    }

    #[test]
    fn plain_text_passes_through_tidied() {
        let (kind, text) =
            read_text("  Roof bolter  \n\n\n\nUnderground, 12 years\n".as_bytes()).unwrap();
        assert_eq!(kind, Kind::Text);
        assert_eq!(text, "  Roof bolter\n\nUnderground, 12 years");
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (Vec::new(), "empty"),
            (vec![b'a'; MAX_BYTES + 1], "at most"),
            (vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0], ".doc"),
            (vec![0x89, b'P', b'N', b'G', 0, 0], "picture"),
            (vec![0xff, 0xfe, 0x00, 0x41], "neither PDF"),
            (
                b"%PDF-1.4\nthis is not a pdf at all".to_vec(),
                "cannot be read",
            ),
            (b"PK\x03\x04 broken zip".to_vec(), "cannot be read"),
            (pdf(&[]).unwrap(), "no text"),
        ];
        for (bytes, says) in cases {
            let e = read_text(&bytes).unwrap_err().to_string();
            assert!(e.contains(says), "{says}: {e}");
        }
        // A ZIP that is not a Word document.
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<office/>").unwrap();
        zip.finish().unwrap();
        let e = read_text(&out.into_inner()).unwrap_err().to_string();
        assert!(e.contains("OpenDocument"), "{e}");
    }

    #[test]
    fn a_password_protected_pdf_is_named_as_such() {
        // A PDF whose trailer names an encryption dictionary Guild has no password for.
        let mut doc = lopdf::Document::load_mem(&pdf(&["secret"]).unwrap()).unwrap();
        use lopdf::dictionary;
        let id = doc.add_object(dictionary! {
            "Filter" => "Standard", "V" => 2, "R" => 3, "Length" => 128, "P" => -4,
            "O" => lopdf::Object::string_literal(vec![7u8; 32]),
            "U" => lopdf::Object::string_literal(vec![9u8; 32]),
        });
        doc.trailer.set("Encrypt", id);
        doc.trailer.set(
            "ID",
            vec![
                lopdf::Object::string_literal(vec![1u8; 16]),
                lopdf::Object::string_literal(vec![1u8; 16]),
            ],
        );
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        assert_eq!(read_text(&bytes).unwrap_err(), DocumentError::Encrypted);
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        let big = "A".repeat(MAX_INFLATED + 10);
        let bytes = docx(&[&big]).unwrap();
        assert!(bytes.len() < MAX_BYTES, "compressed it is small");
        let e = read_text(&bytes).unwrap_err().to_string();
        assert!(e.contains("over 20 MB"), "{e}");
    }
}
