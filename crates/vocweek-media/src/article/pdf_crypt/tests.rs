//! Decryption tests: the key derivation against values qpdf wrote (known answers), and whole
//! documents encrypted here (RC4 40 and 128 bits, AES-128, AES-256; owner password only, or a
//! user password) read through `pdf::extract`. `tests/pdf_encryption.rs` does the same with
//! files qpdf encrypts.

use super::aes::{Aes, cbc_encrypt};
use super::rc4::rc4;
use super::security::{hash_2b, legacy_file_key, legacy_user_value, object_key};
use super::*;
use crate::article::pdf::extract;
use crate::article::pdf_guard::tests::{nested, pdf_with_trailer, stream_object, zlib, zlib_zeros};
use crate::article::{ArticleLimits, Block};

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

// Known answers: the values of PDFs that qpdf 11.3 encrypted (`--encrypt "" owner 40|128|256`,
// `--use-aes=y` for 128, `--encrypt user owner …` for the user passwords), their file keys
// worked out independently.

#[test]
fn revision_2_rc4_40_key_matches_qpdf() {
    let o = bytes("c92422687facee686e373f10b5c7d04738053152f7e2ee30e11c69ec442576ab");
    let id = bytes("f0d3f7221fa523ec2f9f0cfc7f19cc14");
    let u = bytes("b275905dc246be8f0a18ee03a19b38f4c02a46274c571010d5f7c86b0c61cad3");
    let key = legacy_file_key(b"", &o, 0xFFFF_FFFC, &id, 2, 5, true);
    assert_eq!(hex(&key), "583326eb0d");
    assert_eq!(legacy_user_value(&key, &id, 2), u);
}

#[test]
fn revision_4_aes_128_key_matches_qpdf() {
    let o = bytes("566fa873ee33c797cd3b904fdadf814afa34df9a38f6ed41b984e2c6da2aa6f5");
    let id = bytes("c4c9d9c543d5905d900edf8886c0b31f");
    let u = bytes("475689f2d6a9fedd078758862f9f4c020122456a91bae5134273a6db134c87c4");
    let key = legacy_file_key(b"", &o, 0xFFFF_FFFC, &id, 4, 16, true);
    assert_eq!(hex(&key), "1152879deba9e9f8093c924cd1d63f1a");
    assert_eq!(legacy_user_value(&key, &id, 4)[..16], u[..16]);
    // With a user password, the empty one does not match /U.
    let o = bytes("0ba3835f88f90388e74e54584125ce142be0de24c6b0d37746e075b891756671");
    let id = bytes("24430edbd4463ef86314637627025254");
    let u = bytes("88647466223ba97d4492d050bb1e98c00122456a91bae5134273a6db134c87c4");
    let key = legacy_file_key(b"user", &o, 0xFFFF_FFFC, &id, 4, 16, true);
    assert_eq!(hex(&key), "01f8b727f3d14d4cb9efc9df5330ea8d");
    assert_eq!(legacy_user_value(&key, &id, 4)[..16], u[..16]);
    let empty = legacy_file_key(b"", &o, 0xFFFF_FFFC, &id, 4, 16, true);
    assert_ne!(legacy_user_value(&empty, &id, 4)[..16], u[..16]);
}

#[test]
fn revision_6_aes_256_key_matches_qpdf() {
    let u = bytes(
        "be01ffdef66405eac0cdd27a378d8b02674e569d0bc32720ed29092e9c06c43d\
         ad9e53c70241f5d3fc8fdb94b0039c39",
    );
    let ue = bytes("d7fee9a15e8d753a097109e70a2e657b92e607c645443d6a36a50526d650d36a");
    assert_eq!(hash_2b(b"", &u[32..40], &[], 6).as_slice(), &u[..32]);
    let key = security::aes256_file_key(b"", &u, &ue, 6).unwrap();
    assert_eq!(
        hex(&key),
        "42495d6db97a5da293521657b6a97e0fbe75bd663294a58f665b54bfab105c40"
    );
    // With a user password: the empty one is refused, the right one opens.
    let u = bytes(
        "1dced813ed2bdaad78128d3ef366d8f129ae6a9521bb6cbf209efeeb921e5999\
         a0583e30a56f2100c1fc6432e4d307a4",
    );
    let ue = bytes("a236af3abc245ace29372c69e3054c3f69273638ecbe6d6662442839be806cd5");
    assert_eq!(security::aes256_file_key(b"", &u, &ue, 6), None);
    let key = security::aes256_file_key(b"user", &u, &ue, 6).unwrap();
    assert_eq!(
        hex(&key),
        "2e214fdc1b402c11a55d7155cccd6f7793aab52ec474838d7c3e1ed148b56b34"
    );
}

/// The encryption schemes the test documents use.
#[derive(Debug, Clone, Copy)]
enum Scheme {
    Rc4Bits40,
    Rc4Bits128,
    Aes128,
    Aes256,
}

const ALL: [Scheme; 4] = [
    Scheme::Rc4Bits40,
    Scheme::Rc4Bits128,
    Scheme::Aes128,
    Scheme::Aes256,
];

const FILE_ID: [u8; 16] = *b"vocweek-file-id!";
/// /P with printing and copying allowed, editing not (an "owner password" document).
const PERMISSIONS: i32 = -3904;

/// Encrypts like a PDF writer: the encryption dictionary for `user_password`, and what each
/// object's strings and streams become.
struct Encryptor {
    scheme: Scheme,
    key: Vec<u8>,
    dictionary: String,
}

impl Encryptor {
    fn new(scheme: Scheme, user_password: &[u8]) -> Encryptor {
        let o = [0x4Fu8; 32];
        let p = u32::from_le_bytes(PERMISSIONS.to_le_bytes());
        let (key, dictionary) = match scheme {
            Scheme::Rc4Bits40 => {
                let key = legacy_file_key(user_password, &o, p, &FILE_ID, 2, 5, true);
                let u = legacy_user_value(&key, &FILE_ID, 2);
                let dictionary = format!(
                    "<< /Filter /Standard /V 1 /R 2 /Length 40 /O <{}> /U <{}> /P {PERMISSIONS} >>",
                    hex(&o),
                    hex(&u)
                );
                (key, dictionary)
            }
            Scheme::Rc4Bits128 | Scheme::Aes128 => {
                let r = if matches!(scheme, Scheme::Aes128) {
                    4
                } else {
                    3
                };
                let key = legacy_file_key(user_password, &o, p, &FILE_ID, r, 16, true);
                let mut u = legacy_user_value(&key, &FILE_ID, r);
                u.extend_from_slice(&[0xAB; 16]);
                let head = if r == 4 {
                    "/V 4 /R 4 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV2 /Length 16 >> >> \
                     /StmF /StdCF /StrF /StdCF"
                } else {
                    "/V 2 /R 3"
                };
                let dictionary = format!(
                    "<< /Filter /Standard {head} /Length 128 /O <{}> /U <{}> /P {PERMISSIONS} >>",
                    hex(&o),
                    hex(&u)
                );
                (key, dictionary)
            }
            Scheme::Aes256 => {
                let key = vec![0x42u8; 32];
                let (validation_salt, key_salt) = (*b"validate", *b"key salt");
                let mut u = hash_2b(user_password, &validation_salt, &[], 6).to_vec();
                u.extend_from_slice(&validation_salt);
                u.extend_from_slice(&key_salt);
                let intermediate = hash_2b(user_password, &key_salt, &[], 6);
                let ue = cbc_encrypt(&Aes::new(&intermediate).unwrap(), [0; 16], &key);
                let dictionary = format!(
                    "<< /Filter /Standard /V 5 /R 6 /Length 256 \
                     /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >> \
                     /StmF /StdCF /StrF /StdCF /O <{}> /OE <{}> /U <{}> /UE <{}> \
                     /Perms <{}> /P {PERMISSIONS} >>",
                    hex(&[0x4F; 48]),
                    hex(&[0x0E; 32]),
                    hex(&u),
                    hex(&ue),
                    hex(&[0x50; 16])
                );
                (key, dictionary)
            }
        };
        Encryptor {
            scheme,
            key,
            dictionary,
        }
    }

    fn encrypt(&self, number: u32, data: &[u8]) -> Vec<u8> {
        let id = (number, 0);
        match self.scheme {
            Scheme::Rc4Bits40 | Scheme::Rc4Bits128 => rc4(&object_key(&self.key, id, false), data),
            Scheme::Aes128 => aes(&object_key(&self.key, id, true), number, data),
            Scheme::Aes256 => aes(&self.key, number, data),
        }
    }
}

/// AES-CBC with PKCS#7 padding, the IV first (one per object, as writers pick them at random).
fn aes(key: &[u8], number: u32, data: &[u8]) -> Vec<u8> {
    let mut iv = [0x1Du8; 16];
    iv[..4].copy_from_slice(&number.to_le_bytes());
    let pad = 16 - data.len() % 16;
    let mut padded = data.to_vec();
    padded.extend(std::iter::repeat_n(u8::try_from(pad).unwrap(), pad));
    let mut out = iv.to_vec();
    out.extend_from_slice(&cbc_encrypt(&Aes::new(key).unwrap(), iv, &padded));
    out
}

/// A one-page document showing `text`, encrypted. Objects: 1 catalog, 2 pages, 3 page, 4 info
/// (an encrypted /Title), 5 content, 6 encryption dictionary, 7 an object stream holding the
/// font (object 8) when `object_stream`, else 7 the font itself.
fn encrypted_pdf(
    scheme: Scheme,
    user_password: &[u8],
    content: &[u8],
    object_stream: bool,
) -> Vec<u8> {
    let encryptor = Encryptor::new(scheme, user_password);
    let font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    let font_number = if object_stream { 8 } else { 7 };
    let title = encryptor.encrypt(4, "技能周 title".as_bytes());
    let seventh = if object_stream {
        let header = b"8 0 ";
        let mut objects = header.to_vec();
        objects.extend_from_slice(font);
        stream_object(
            &format!(
                "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
                header.len()
            ),
            &encryptor.encrypt(7, &zlib(&objects)),
        )
    } else {
        font.to_vec()
    };
    pdf_with_trailer(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 {font_number} 0 R >> >> /Contents 5 0 R >>"
            )
            .into_bytes(),
            format!("<< /Title <{}> >>", hex(&title)).into_bytes(),
            stream_object(
                "/Filter /FlateDecode",
                &encryptor.encrypt(5, &zlib(content)),
            ),
            encryptor.dictionary.clone().into_bytes(),
            seventh,
        ],
        &format!(
            "/Encrypt 6 0 R /Info 4 0 R /ID [<{id}> <{id}>]",
            id = hex(&FILE_ID)
        ),
    )
}

fn text_of(file: &[u8], limits: &ArticleLimits) -> Result<String, MediaError> {
    let document = extract(file, limits)?;
    Ok(document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Paragraph(text) | Block::Heading(_, text) => Some(text.as_str()),
            Block::Image(_) => None,
        })
        .collect::<Vec<_>>()
        .join("\n\n"))
}

const HELLO: &[u8] = b"BT /F1 24 Tf 72 720 Td (Hello encrypted world) Tj ET";

#[test]
fn owner_password_documents_are_read() {
    for scheme in ALL {
        for object_stream in [false, true] {
            let file = encrypted_pdf(scheme, b"", HELLO, object_stream);
            let text = text_of(&file, &ArticleLimits::default())
                .unwrap_or_else(|e| panic!("{scheme:?}, object stream {object_stream}: {e}"));
            assert!(
                text.contains("Hello encrypted world"),
                "{scheme:?}, object stream {object_stream}: {text:?}"
            );
        }
    }
}

#[test]
fn strings_are_decrypted_and_encrypt_is_removed() {
    for scheme in ALL {
        let file = encrypted_pdf(scheme, b"", HELLO, true);
        let limits = ArticleLimits::default();
        let mut tally = crate::article::pdf_guard::check(&file, &limits).unwrap();
        let mut pdf = Document::load_mem(&file).unwrap();
        decrypt(&mut pdf, &file, &mut tally).unwrap();
        assert!(!pdf.is_encrypted(), "{scheme:?}");
        let info = pdf.get_dictionary((4, 0)).unwrap();
        assert_eq!(
            info.get(b"Title").unwrap().as_str().unwrap(),
            "技能周 title".as_bytes(),
            "{scheme:?}"
        );
        // The font came out of the decrypted object stream.
        assert!(pdf.get_dictionary((8, 0)).is_ok(), "{scheme:?}");
    }
}

#[test]
fn user_password_documents_are_refused_as_such() {
    for scheme in ALL {
        let file = encrypted_pdf(scheme, b"secret", HELLO, false);
        assert_eq!(
            extract(&file, &ArticleLimits::default()).map(|_| ()),
            Err(MediaError::ArticlePasswordProtected),
            "{scheme:?}"
        );
    }
    assert_eq!(
        MediaError::ArticlePasswordProtected.code(),
        "article-password-protected"
    );
}

#[test]
fn a_certificate_encrypted_document_is_refused_as_password_protected() {
    let file = pdf_with_trailer(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
            b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 >>".to_vec(),
        ],
        "/Encrypt 3 0 R /ID [<00> <00>]",
    );
    assert_eq!(
        extract(&file, &ArticleLimits::default()).map(|_| ()),
        Err(MediaError::ArticlePasswordProtected)
    );
}

#[test]
fn a_bomb_inside_encrypted_streams_is_still_refused() {
    let small = ArticleLimits {
        max_pdf_inflated_bytes: 8 << 20,
        ..ArticleLimits::default()
    };
    for scheme in [Scheme::Rc4Bits128, Scheme::Aes256] {
        let encryptor = Encryptor::new(scheme, b"");
        let file = pdf_with_trailer(
            &[
                b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
                b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
                stream_object(
                    "/Filter /FlateDecode",
                    &encryptor.encrypt(3, &zlib_zeros(9)),
                ),
                encryptor.dictionary.clone().into_bytes(),
            ],
            &format!("/Encrypt 4 0 R /ID [<{id}> <{id}>]", id = hex(&FILE_ID)),
        );
        match extract(&file, &small) {
            Err(MediaError::ArticleTooLarge(reason)) => {
                assert!(reason.contains("articles.max_pdf_inflated"), "{reason}");
            }
            other => panic!("{scheme:?}: {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn deep_nesting_inside_an_encrypted_object_stream_is_still_refused() {
    // lopdf would parse it recursively, and overflow the stack, once decrypted.
    let encryptor = Encryptor::new(Scheme::Aes128, b"");
    let header = b"5 0 ";
    let mut objects = header.to_vec();
    objects.extend_from_slice(&nested("[", "]", 100_000));
    let file = pdf_with_trailer(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
            encryptor.dictionary.clone().into_bytes(),
            stream_object(
                &format!(
                    "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
                    header.len()
                ),
                &encryptor.encrypt(4, &zlib(&objects)),
            ),
        ],
        &format!("/Encrypt 3 0 R /ID [<{id}> <{id}>]", id = hex(&FILE_ID)),
    );
    match extract(&file, &ArticleLimits::default()) {
        Err(MediaError::ArticleCorrupt(reason)) => {
            assert!(reason.contains("articles.max_pdf_depth"), "{reason}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}
