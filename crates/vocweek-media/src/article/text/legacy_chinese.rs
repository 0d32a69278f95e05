//! GB18030 (which contains GBK) or Big5: both encode a Chinese character in two bytes from
//! overlapping ranges, so most Big5 text also decodes without error as GB18030, into nonsense
//! characters, and simplified text often decodes as Big5 too. The decode that reads as Chinese
//! wins: the one with more of the most frequent characters and fewer private-use or
//! undecodable ones, counted over a sample of the file. GB18030 wins ties (short or mostly
//! ASCII texts): most of what is sent here is simplified Chinese.

use encoding_rs::{BIG5, Encoding, GB18030};

/// How much of the file is read to tell the two apart: thousands of characters, where the right
/// decode scores hundreds of times higher than the wrong one.
const SAMPLE_BYTES: usize = 256 * 1024;

/// About five hundred of the most frequent characters of simplified Chinese text…
const FREQUENT_SIMPLIFIED: &str = concat!(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于",
    "着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还",
    "进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情",
    "明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或",
    "新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员",
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太",
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基",
    "眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交",
    "规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济",
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调",
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越",
    "器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历",
    "首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维",
    "革划敢职育活周技省市县校园赛届举办",
);

/// …and of traditional Chinese text (the same list in traditional characters).
const FREQUENT_TRADITIONAL: &str = concat!(
    "的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得於",
    "著下自之年過發後作裡裏用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天分",
    "還進好小部其些主樣理心她本前開但因只從想實日軍者意無力它與長把機十民第公此已工使",
    "情明性知全三又關點正業外將兩高間由問很最重並物手應戰向頭文體政美相見被利什二等產",
    "或新己制身果加西斯月話合回特代內信表化老給世位次度門任常先海通教兒原東聲提立及比",
    "員解水名真論處走義各入幾口認條平系係氣題活爾更別打女變四神總何電數安少報才結反受",
    "目太量再感建務做接必場件計管期市直德資命山金指克許統區保至隊形社便空決治展馬科司",
    "五基眼書非則聽白卻界達光放強即像難且權思王象完設式色路記南品住告類求據程北邊死張",
    "該交規萬取拉格望覺術領共確傳師觀清今切院讓識候帶導爭運笑飛風步改收根幹造言聯持組",
    "每濟車親極林服快辦議往元英士證近失轉夫令準布始怎呢存未遠叫臺台單影具羅字愛擊流備",
    "兵連調深商算質團集百需價花黨華城石級整府離況亞請技際約示復病息究線似官火斷精滿支",
    "視消越器容照須九增研寫稱企八功嗎包片史委乎查輕易早曾除農找裝廣顯吧阿李標談吃圖念",
    "六引歷首醫局突專費號盡另周較注語僅考落青隨選列武紅響雖推勢參希古眾構房半節土投某",
    "案黑維革劃敢職育活週技省縣校園賽屆舉辦",
);

/// Decodes GB18030 or Big5 text, whichever it reads as; `None` when it is neither.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    let (first, second) = if reads_better_as_big5(bytes) {
        ((BIG5, "big5"), (GB18030, "gb18030"))
    } else {
        ((GB18030, "gb18030"), (BIG5, "big5"))
    };
    // The sample decided; past it the file may still be malformed in the winner (and only
    // then is the other tried).
    [first, second].into_iter().find_map(|(encoding, name)| {
        encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| (text.into_owned(), name))
    })
}

fn reads_better_as_big5(bytes: &[u8]) -> bool {
    let sample = bytes.get(..SAMPLE_BYTES).unwrap_or(bytes);
    let cut = sample.len() < bytes.len();
    let mut frequent: Vec<char> = FREQUENT_SIMPLIFIED
        .chars()
        .chain(FREQUENT_TRADITIONAL.chars())
        .collect();
    frequent.sort_unstable();
    frequent.dedup();
    let score = |encoding: &'static Encoding| {
        let (text, _) = encoding.decode_without_bom_handling(sample);
        // A sample cut inside a character ends in one replacement character.
        let text: &str = if cut {
            text.strip_suffix('\u{FFFD}').unwrap_or(&text)
        } else {
            &text
        };
        plausibility(text, &frequent)
    };
    score(BIG5) > score(GB18030)
}

/// A point for each frequent character, four off for each private-use character (GBK's
/// user-defined areas, where Big5's frequent characters often land) or malformed sequence.
fn plausibility(text: &str, frequent: &[char]) -> i64 {
    text.chars()
        .map(|c| {
            if frequent.binary_search(&c).is_ok() {
                1
            } else if c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c) {
                -4
            } else {
                0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use encoding_rs::GBK;

    use super::*;

    fn encoded(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{text} is not all in {}", encoding.name());
        bytes.into_owned()
    }

    #[test]
    fn short_texts_are_told_apart() {
        for text in ["山东省职业教育活动周", "联通", "中文", "技能：让生活更美好"]
        {
            let bytes = encoded(GBK, text);
            assert_eq!(decode(&bytes), Some((text.to_owned(), "gb18030")), "{text}");
        }
        for text in ["職業教育活動週", "臺灣", "中文", "國立臺灣大學"] {
            let bytes = encoded(BIG5, text);
            assert_eq!(decode(&bytes), Some((text.to_owned(), "big5")), "{text}");
        }
    }

    #[test]
    fn a_sample_cut_inside_a_character_still_decides() {
        // One ASCII byte first: every two-byte character then starts at an odd offset, so the
        // sample (an even number of bytes) ends on a lead byte.
        for (encoding, name, paragraph) in [
            (BIG5, "big5", "職業教育活動週在臺北舉辦，學生展示技能。"),
            (GBK, "gb18030", "职业教育活动周在济南举办，学生展示技能。"),
        ] {
            let text = format!("a{}", paragraph.repeat(SAMPLE_BYTES / 30));
            let bytes = encoded(encoding, &text);
            assert!(bytes.len() > SAMPLE_BYTES);
            assert_eq!(decode(&bytes), Some((text, name)));
        }
    }

    #[test]
    fn neither_is_refused() {
        assert_eq!(decode(b"caf\xe9"), None);
    }
}
