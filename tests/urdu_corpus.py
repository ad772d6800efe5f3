"""An Urdu news corpus with the features of real copy, written for the tests and the benchmark.

In: a folder; the English articles are `tests/data/urdu_corpus/*.md`, their Urdu is `URDU` here.
Out: a publication in it (`make_urdu_corpus`): three English articles in the house front-matter format,
their Urdu catalogs filled as a translator would and approved by a listed reviewer, so that every Urdu
edition publishes. What the copy holds, on purpose:

- the tallest letter stacks Noto Nastaliq Urdu makes in real words (measured with tests/ink.py's
  `stack_heights`: ایکسچینج 2.90 em above the baseline, ایکسچینجوں 2.78, کھینچتے 2.40, کھنچتی 2.30,
  انٹیلیجنس 2.23) and the deepest descenders (an izafat kasra under a final ع or م: جمعِ, شمعِ, 0.67 em);
- long Latin runs (organisations, a 60-character URL), numbers, dates, money, percentages;
- quotes, an ordered and an unordered list, tables, footnotes, blockquotes, h2 and h3 headings;
- long paragraphs, so that a page has many pairs of lines;
- a typesetter's proof (`typesetting-proof`): lines of only the deepest words directly above lines of
  only the tallest (regular and bold), in a paragraph, a blockquote, a list, a table and a footnote, so
  tall stacks stand under deep tails dozens of times a page instead of by chance. They need not meet at
  the very worst point: the house line heights are held to the measured heights by test_ink.py too.

The font's stacks have no ceiling: each further joined letter before ج or چ lifts a chain about 0.25 em
(a 17-letter nonsense chain reaches 4.35 em), so "the tallest stack" means the tallest real word found.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.sources.articles import load_articles
from pipeline.translation import po
from pipeline.translation.catalogs import catalog_path, sync_catalog, write_catalog
from pipeline.translation.review import load_unit, record

REVIEWER = "Corpus reviewer"
INTERFACE_REVIEWER = "Sample reviewer (pipeline team)"  # approved the interface strings in translations/ur
TALL = ("ایکسچینج", "ایکسچینجوں", "کھینچتے", "کھنچتی", "انٹیلیجنس")  # tallest stacks, tallest first
DEEP = ("جمعِ", "شمعِ", "تسلیم", "قومِ")  # deepest descenders, deepest first


def _proof_lines(english: str, count: int) -> tuple[str, str]:
    """English and Urdu of a proof: `count` lines, deep words then tall words, one hard break apart."""
    en = "\\\n".join(f"{english} {i + 1}: {'deep' if i % 2 == 0 else 'tall'} words" for i in range(count))
    ur = "\\\n".join(" ".join([DEEP[(i // 2) % len(DEEP)]] * 9) if i % 2 == 0
                     else " ".join([TALL[(i // 2) % len(TALL)]] * 6) for i in range(count))
    return en, ur


PROOF_EN, PROOF_UR = _proof_lines("Proof line", 10)
QUOTE_EN, QUOTE_UR = _proof_lines("Quoted proof line", 4)
BOLD_EN = ("Bold proof 1: deep words\\\nBold proof 2: **tall words**\\\nBold proof 3: **deep words**\\\n"
           "Bold proof 4: tall words")
BOLD_UR = "\\\n".join((" ".join([DEEP[0]] * 9), f"**{' '.join([TALL[0]] * 6)}**", f"**{' '.join([DEEP[0]] * 9)}**",
                        " ".join([TALL[0]] * 6)))
NOTE_EN = "Footnote proof: " + ", ".join(["deep words then tall words"] * 3) + "."
NOTE_UR = " ".join([*([DEEP[0]] * 9), *([TALL[0]] * 6), *([DEEP[1]] * 9), *([TALL[1]] * 6)]) + "۔"

FOLDER = Path(__file__).parent / "data" / "urdu_corpus"  # the English articles, house format
ARTICLES = {path.stem: path.read_text(encoding="utf-8") for path in sorted(FOLDER.glob("*.md"))}

URDU = {
    # psx-record-index
    "Stock Exchange Index Closes at a Record as Foreign Buying Returns":
        "غیر ملکی خریداری کی واپسی پر سٹاک ایکسچینج کا انڈیکس ریکارڈ سطح پر بند",
    "Karachi, Sindh, Pakistan": "کراچی، سندھ، پاکستان",
    "Farah Naqvi": "فرح نقوی",
    "Karachi": "کراچی",
    "Index figures are the exchange's closing values; company names are given as listed.":
        "انڈیکس کے اعداد و شمار ایکسچینج کی اختتامی قدریں ہیں؛ کمپنیوں کے نام فہرست کے مطابق دیے گئے ہیں۔",
    "The KSE-100 index of the Pakistan Stock Exchange closed above 120,000 points for the first time.":
        "پاکستان سٹاک ایکسچینج کا KSE-100 انڈیکس پہلی بار 120,000 پوائنٹس سے اوپر بند ہوا۔",
    "The benchmark KSE-100 index of the Pakistan Stock Exchange (PSX) closed at 121,487.36 points on Tuesday, "
    "17 November 2026, a gain of 1,842 points or 1.54% over the previous session. Foreign funds returned to the "
    "market after three months of net selling.":
        "پاکستان سٹاک ایکسچینج (PSX) کا بنیادی KSE-100 انڈیکس منگل، 17 نومبر 2026 کو 121,487.36 پوائنٹس پر بند "
        "ہوا، جو پچھلے سیشن کے مقابلے میں 1,842 پوائنٹس یا 1.54% کا اضافہ ہے۔ تین ماہ کی مسلسل فروخت کے بعد غیر "
        "ملکی فنڈز ایک بار پھر مارکیٹ میں واپس آ گئے۔",
    "Traders said the rally was led by banks, fertiliser makers and oil exploration companies. Turnover on the "
    "ready market rose to 684 million shares, the highest this year, and the value of shares traded reached "
    "Rs 41.2 billion.":
        "تاجروں کے مطابق اس تیزی کی قیادت بینکوں، کھاد بنانے والی کمپنیوں اور تیل کی تلاش کرنے والی کمپنیوں نے کی۔ "
        "ریڈی مارکیٹ میں کاروباری حجم بڑھ کر 684 ملین حصص تک پہنچ گیا، جو اس سال کی بلند ترین سطح ہے، جبکہ لین دین "
        "کی مجموعی مالیت 41.2 ارب روپے رہی۔",
    "Why foreign funds came back": "غیر ملکی فنڈز واپس کیوں آئے",
    "Analysts at Arif Habib Limited and Topline Securities said the International Monetary Fund's approval of "
    "the latest loan tranche, announced on 14 November, had removed the main source of uncertainty. The State "
    "Bank of Pakistan is also expected to cut its policy rate at its meeting on 15 December.":
        "عارف حبیب لمیٹڈ (Arif Habib Limited) اور ٹاپ لائن سیکیورٹیز (Topline Securities) کے تجزیہ کاروں نے "
        "کہا کہ 14 نومبر کو اعلان کردہ انٹرنیشنل مانیٹری فنڈ (International Monetary Fund) کی جانب سے قرض کی تازہ "
        "قسط کی منظوری نے غیر یقینی صورتحال کی سب سے بڑی وجہ ختم کر دی ہے۔ توقع ہے کہ سٹیٹ بینک آف پاکستان بھی "
        "15 دسمبر کے اجلاس میں پالیسی ریٹ میں کمی کرے گا۔",
    "\"The exchange has priced in the loan; what it has not priced in is a stable exchange rate for a whole "
    "year,\" said Saadia Mirza, head of research at a Karachi brokerage. \"If the rupee holds, the index has "
    "room to grow.\"":
        "“ایکسچینج نے قرض کی خبر کو قیمتوں میں شامل کر لیا ہے، لیکن پورے سال کے لیے مستحکم شرحِ مبادلہ کو ابھی شامل "
        "نہیں کیا،” کراچی کی ایک بروکریج کمپنی میں تحقیق کی سربراہ سعدیہ مرزا نے کہا۔ “اگر روپیہ اپنی جگہ قائم رہا "
        "تو انڈیکس کے بڑھنے کی گنجائش موجود ہے۔”",
    "The biggest contributors to the day's gain were:": "دن کے اضافے میں سب سے بڑا حصہ ان کمپنیوں کا رہا:",
    "Meezan Bank, up 4.1% to Rs 412.50": "میزان بینک (Meezan Bank)، 4.1% اضافے کے ساتھ 412.50 روپے",
    "Engro Fertilizers, up 3.7% to Rs 226.10": "اینگرو فرٹیلائزرز (Engro Fertilizers)، 3.7% اضافے کے ساتھ 226.10 روپے",
    "Oil and Gas Development Company (OGDC), up 3.2% to Rs 268.75":
        "آئل اینڈ گیس ڈیولپمنٹ کمپنی (OGDC)، 3.2% اضافے کے ساتھ 268.75 روپے",
    "Habib Bank Limited, up 2.9% to Rs 189.40": "حبیب بینک لمیٹڈ (Habib Bank Limited)، 2.9% اضافے کے ساتھ 189.40 روپے",
    "The week in numbers": "ہفتے کے اعداد و شمار",
    "Day": "دن",
    "KSE-100 close": "KSE-100 اختتامی سطح",
    "Change": "تبدیلی",
    "Volume (million shares)": "حجم (ملین حصص)",
    "Thursday, 12 November": "جمعرات، 12 نومبر",
    "Friday, 13 November": "جمعہ، 13 نومبر",
    "Monday, 16 November": "پیر، 16 نومبر",
    "Tuesday, 17 November": "منگل، 17 نومبر",
    "Monday was a bank holiday and the exchange was closed. The rupee ended the week at 278.35 to the dollar in "
    "the interbank market, according to the State Bank's page at "
    "https://www.sbp.org.pk/ecodata/rates/m2m/M2M-Current.asp, a small gain on the week.[^1]":
        "پیر کو بینک تعطیل تھی اور ایکسچینج بند رہا۔ سٹیٹ بینک کے صفحے "
        "https://www.sbp.org.pk/ecodata/rates/m2m/M2M-Current.asp کے مطابق انٹربینک مارکیٹ میں روپیہ ہفتے کے "
        "اختتام پر ڈالر کے مقابلے میں 278.35 پر رہا، جو ہفتے بھر میں معمولی بہتری ہے۔[^1]",
    "Risks ahead": "آگے کے خطرات",
    "Not everyone is convinced. Some fund managers warned that much of the buying was concentrated in a handful "
    "of large companies, and that smaller listed firms had barely moved. They also pointed to the complexities "
    "of the new capital gains tax rules, which take effect in January and which many retail investors have yet "
    "to understand. One manager said the exchange's rally was \"stable only as long as the money keeps "
    "coming\", and that a single week of foreign selling could reverse a month of gains.":
        "ہر کوئی اس تیزی سے مطمئن نہیں۔ بعض فنڈ منیجرز نے خبردار کیا کہ خریداری کا بڑا حصہ چند بڑی کمپنیوں تک "
        "محدود رہا، اور چھوٹی لسٹڈ کمپنیوں کے حصص میں بمشکل کوئی حرکت ہوئی۔ انہوں نے کیپیٹل گینز ٹیکس کے نئے "
        "قواعد کی پیچیدگیوں کی طرف بھی اشارہ کیا، جو جنوری سے نافذ ہوں گے اور جنہیں بہت سے چھوٹے سرمایہ کار ابھی تک "
        "پوری طرح نہیں سمجھ سکے۔ ایک منیجر نے کہا کہ ایکسچینج کی تیزی “صرف اس وقت تک مستحکم ہے جب تک پیسہ آتا "
        "رہے”، اور غیر ملکی فروخت کا ایک ہفتہ ایک مہینے کے اضافے کو ختم کر سکتا ہے۔",
    "The exchange will publish a guide to the new tax rules for retail investors on its website before the end "
    "of December, the PSX said in a statement.":
        "PSX نے ایک بیان میں کہا کہ ایکسچینج دسمبر کے اختتام سے پہلے اپنی ویب سائٹ پر چھوٹے سرمایہ کاروں کے لیے "
        "نئے ٹیکس قواعد کی رہنمائی شائع کرے گا۔",
    "Trading resumes at 9:30 a.m. on Wednesday. The exchange's next index review, which decides which companies "
    "enter and leave the KSE-100, is scheduled for 4 January 2027.":
        "بدھ کو کاروبار صبح 9:30 بجے دوبارہ شروع ہوگا۔ ایکسچینج کا اگلا انڈیکس جائزہ، جس میں طے کیا جاتا ہے کہ کون "
        "سی کمپنیاں KSE-100 میں شامل ہوں گی اور کون سی نکلیں گی، 4 جنوری 2027 کو ہوگا۔",
    "The interbank rate is the average of the day's trades between banks, published each evening; trades by "
    "exchange companies are not included.":
        "انٹربینک شرح بینکوں کے درمیان دن بھر کے سودوں کی اوسط ہے جو ہر شام شائع کی جاتی ہے؛ اس میں ایکسچینج "
        "کمپنیوں کے سودے شامل نہیں ہوتے۔",
    # lahore-calligraphy-school
    "A Lahore School Keeps Nastaliq Calligraphy Alive": "لاہور کا ایک ادارہ نستعلیق خطاطی کو زندہ رکھے ہوئے ہے",
    "Lahore, Punjab, Pakistan": "لاہور، پنجاب، پاکستان",
    "Hamid Qureshi": "حامد قریشی",
    "Lahore": "لاہور",
    "Student numbers were provided by the school's administration.":
        "طلبہ کی تعداد ادارے کی انتظامیہ نے فراہم کی۔",
    "In a lane of the Walled City, a school teaches Nastaliq to students who also learn to design fonts.":
        "اندرون شہر کی ایک گلی میں ایک ادارہ ان طلبہ کو نستعلیق سکھاتا ہے جو فونٹ بنانا بھی سیکھتے ہیں۔",
    "In a narrow lane near Delhi Gate, in the Walled City of Lahore, about forty students sit on low benches "
    "every morning and copy the same letters again and again. Their teacher, Ustad Khalid Mehmood, has taught "
    "Nastaliq calligraphy here since 1994, and most of the calligraphers who now letter the city's shop signs "
    "and wedding cards passed through his class.":
        "لاہور کے اندرون شہر میں دہلی دروازے کے قریب ایک تنگ گلی میں ہر صبح تقریباً چالیس طلبہ نیچی بینچوں پر بیٹھ "
        "کر ایک ہی حروف بار بار لکھتے ہیں۔ ان کے استاد، استاد خالد محمود، 1994 سے یہاں نستعلیق خطاطی سکھا رہے ہیں، "
        "اور شہر کی دکانوں کے بورڈ اور شادی کے کارڈ لکھنے والے بیشتر خطاط ان ہی کی کلاس سے گزرے ہیں۔",
    "\"A student needs a year to learn the shape of a single letter, and ten years to learn how the letters sit "
    "together,\" he said, pulling a reed pen across a sheet of glazed paper. \"The difficulty is not the letters. "
    "It is the spaces between them.\"":
        "“ایک طالب علم کو ایک حرف کی شکل سیکھنے میں ایک سال لگتا ہے، اور یہ سیکھنے میں دس سال کہ حروف آپس میں کیسے "
        "بیٹھتے ہیں،” انہوں نے چمکدار کاغذ پر سرکنڈے کا قلم کھینچتے ہوئے کہا۔ “مشکل حروف میں نہیں، ان کے درمیان کی "
        "جگہ میں ہے۔”",
    "From reed pens to fonts": "سرکنڈے کے قلم سے فونٹ تک",
    "The school, registered as the Lahore Institute of Calligraphy and Design, now runs an evening course in "
    "type design with support from the Punjab Information Technology Board (PITB). Students learn to draw "
    "letters on paper first and then to build them as digital outlines with the open-source tool FontForge.":
        "یہ ادارہ، جو Lahore Institute of Calligraphy and Design کے نام سے رجسٹرڈ ہے، اب پنجاب انفارمیشن "
        "ٹیکنالوجی بورڈ (PITB) کے تعاون سے ٹائپ ڈیزائن کا شام کا کورس چلاتا ہے۔ طلبہ پہلے کاغذ پر حروف بنانا سیکھتے "
        "ہیں اور پھر اوپن سورس ٹول FontForge کی مدد سے انہیں ڈیجیٹل خاکوں کی شکل دیتے ہیں۔",
    "Nastaliq is difficult for computers because its letters do not sit on one straight line. Each word slopes "
    "down from right to left, and a long word can climb well above the line before it reaches its last letter. "
    "Words such as exchange, intelligence and pulling form tall stacks in Urdu, and printers must leave room for "
    "them.":
        "نستعلیق کمپیوٹر کے لیے مشکل ہے کیونکہ اس کے حروف ایک سیدھی لکیر پر نہیں بیٹھتے۔ ہر لفظ دائیں سے بائیں "
        "نیچے کی طرف ڈھلتا ہے، اور ایک لمبا لفظ اپنے آخری حرف تک پہنچنے سے پہلے لکیر سے کافی اوپر چڑھ جاتا ہے۔ "
        "ایکسچینج، انٹیلیجنس اور کھینچتے جیسے الفاظ اردو میں اونچے مینار بناتے ہیں، اور چھاپنے والوں کو ان کے لیے "
        "جگہ چھوڑنی پڑتی ہے۔",
    "What the students learn": "طلبہ کیا سیکھتے ہیں",
    "The proportions of each letter, measured in dots of the pen": "ہر حرف کے تناسب، جو قلم کے نقطوں سے ناپے جاتے ہیں",
    "How to join letters so that a word stays stable on the line": "حروف کو اس طرح جوڑنا کہ لفظ لکیر پر مستحکم رہے",
    "The complexities of spacing in long headlines": "لمبی سرخیوں میں فاصلوں کی پیچیدگیاں",
    "How to test a font against real news copy and report problems at "
    "https://github.com/notofonts/nastaliq-urdu/issues":
        "فونٹ کو خبروں کے اصل متن پر جانچنا اور مسائل کی اطلاع https://github.com/notofonts/nastaliq-urdu/issues "
        "پر دینا",
    "Enrolment": "داخلے",
    "Year": "سال",
    "Morning students": "صبح کے طلبہ",
    "Evening type design": "شام کا ٹائپ ڈیزائن",
    "The evening course was started in 2023 after a grant from a cultural foundation.[^1] Its students have "
    "since designed two text fonts, one of which a Lahore newspaper has tested for its weekend edition.":
        "شام کا کورس 2023 میں ایک ثقافتی فاؤنڈیشن کی گرانٹ کے بعد شروع کیا گیا۔[^1] اس کے طلبہ اب تک متن کے دو "
        "فونٹ بنا چکے ہیں، جن میں سے ایک کو لاہور کے ایک اخبار نے اپنی ہفتہ وار اشاعت کے لیے آزمایا ہے۔",
    "\"When a newspaper prints Urdu badly, readers notice before they read a single word,\" said Sana Tariq, a "
    "former student who now designs fonts in Islamabad.":
        "“جب کوئی اخبار اردو کو بری طرح چھاپتا ہے تو قارئین ایک لفظ پڑھنے سے پہلے ہی اسے محسوس کر لیتے ہیں،” "
        "اسلام آباد میں فونٹ ڈیزائن کرنے والی سابق طالبہ ثنا طارق نے کہا۔",
    "The school charges Rs 3,500 a month for the morning class and nothing for the evening course. Khalid "
    "Mehmood says the fees have not changed in six years, even as the cost of paper and ink has doubled. He "
    "accepts the seriousness of the problem but is confident that the school will survive. \"Calligraphy has "
    "outlived kings,\" he said. \"It will outlive a difficult economy.\"":
        "ادارہ صبح کی کلاس کے لیے 3,500 روپے ماہانہ لیتا ہے اور شام کے کورس کی کوئی فیس نہیں۔ خالد محمود کہتے "
        "ہیں کہ کاغذ اور سیاہی کی قیمت دگنی ہونے کے باوجود چھ سال سے فیس نہیں بدلی۔ وہ مسئلے کی سنجیدگی کو تسلیم "
        "کرتے ہیں لیکن انہیں یقین ہے کہ ادارہ قائم رہے گا۔ “خطاطی بادشاہوں سے زیادہ جی چکی ہے،” انہوں نے کہا۔ "
        "“یہ مشکل معیشت سے بھی زیادہ جیے گی۔”",
    "The foundation asked not to be named; the grant covers teachers' salaries and computers until the end of "
    "2027.":
        "فاؤنڈیشن نے اپنا نام ظاہر نہ کرنے کی درخواست کی؛ یہ گرانٹ 2027 کے اختتام تک اساتذہ کی تنخواہوں اور "
        "کمپیوٹروں کا خرچ پورا کرتی ہے۔",
    # typesetting-proof
    "Proof Sheet: Exchange, Intelligence and Other Tall Words": "پروف شیٹ: ایکسچینج، انٹیلیجنس اور دوسرے اونچے الفاظ",
    "Urdu Desk": "اردو ڈیسک",
    "This page is a typesetting proof and is not a news report.": "یہ صفحہ طباعت کا پروف ہے، خبر نہیں۔",
    "A proof of the words with the tallest letter stacks, set under the words with the deepest tails.":
        "سب سے اونچے حروف والے الفاظ کا پروف، جنہیں سب سے گہرے دامن والے الفاظ کے نیچے رکھا گیا ہے۔",
    "The desk prints this page whenever the house style changes. Each line of deep words below is followed by a "
    "line of tall words, so the tallest letters meet the deepest ones.[^1]":
        "ڈیسک یہ صفحہ ہر بار چھاپتا ہے جب ادارے کا انداز بدلتا ہے۔ نیچے گہرے الفاظ کی ہر سطر کے بعد اونچے الفاظ کی "
        "سطر آتی ہے، تاکہ سب سے اونچے حروف سب سے گہرے حروف سے ملیں۔[^1]",
    PROOF_EN: PROOF_UR,
    BOLD_EN: BOLD_UR,
    "Proof of a quotation": f"اقتباس کا پروف: {TALL[0]} {DEEP[0]}",
    QUOTE_EN: QUOTE_UR,
    "Proof of a list and a table": f"فہرست اور جدول کا پروف: {TALL[2]} {DEEP[1]}",
    "List proof: deep words then tall words, long enough to wrap onto a second line of the list item":
        " ".join([DEEP[0]] * 14 + [TALL[0]] * 10),
    "List proof: tall words then deep words, long enough to wrap onto a second line of the list item":
        " ".join([TALL[1]] * 10 + [DEEP[1]] * 14),
    "Deep then tall": f"{DEEP[0]} پھر {TALL[0]}",
    "Tall then deep": f"{TALL[0]} پھر {DEEP[0]}",
    "Cell proof: deep words then tall words": " ".join([DEEP[0]] * 6 + [TALL[0]] * 4),
    "Cell proof: tall words then deep words": " ".join([TALL[4]] * 4 + [DEEP[2]] * 6),
    NOTE_EN: NOTE_UR,
}


def _urdu(msgid: str) -> str:
    """The translator's Urdu for one segment; figures and other text without letters stay as written."""
    if msgid in URDU:
        return URDU[msgid]
    if not any(char.isalpha() for char in msgid):
        return msgid
    raise KeyError(f"the corpus has no Urdu for {msgid!r}")


def make_urdu_corpus(root: Path, slugs: tuple[str, ...] = tuple(ARTICLES)) -> Config:
    """Write the articles, fill and approve their Urdu catalogs: a publication whose editions all publish."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        (root / "articles" / f"{slug}.md").write_text(ARTICLES[slug], encoding="utf-8")
    reviewers = f"reviewers:\n  ur: [{REVIEWER}, {INTERFACE_REVIEWER}]\n"
    (root / "publication.yaml").write_text("languages: [en, ur]\n" + reviewers, encoding="utf-8")
    config = load_config(root)
    articles, problems = load_articles(config)
    assert not problems, problems
    for article in articles:
        sync_catalog(article, "ur", config)
        path = catalog_path(config, "ur", article.slug)
        catalog = po.parse(path.read_bytes(), path.name)
        for entry in catalog.entries:
            if entry.msgid and not entry.obsolete:
                entry.msgstr = _urdu(entry.msgid)
        write_catalog(path, catalog)
        unit = load_unit(config, article.slug, "ur")
        record(config, unit, unit.states, lambda approval: approval, REVIEWER, "2026-11-21T00:00:00Z")
    return config
