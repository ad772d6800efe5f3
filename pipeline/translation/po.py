"""Gettext PO catalogs: read any PO file, write exactly the bytes GNU gettext's `msgcat` writes.

In: the bytes of a PO file for `parse` (a UTF-8 BOM, LF or CRLF line ends, and any charset Python
knows, declared in the header's Content-Type, are accepted), or a `Catalog` built in code for `dumps`.
Out: `parse` gives a `Catalog` of `Entry` objects, or raises `PoError` with every `Problem` found
(each with its line); `dumps` gives UTF-8 bytes identical to what `msgcat` (GNU gettext 0.21 with
libunistring 1.0, default options: page width 79, wrapping on) writes for the same content.

`dumps` normalizes what msgcat normalizes: comments in the order translator `#`, extracted `#.`,
references `#:` (re-packed to the page width, duplicates and leading "./" dropped), flags `#,`
(fuzzy first, then known *-format flags in gettext's order, range, no-wrap; unknown flags and the
fuzzy flag of an untranslated entry are dropped), previous `#|`; strings wrapped where libunistring's
UAX #14 line breaking (the tables below are libunistring 1.0's, Unicode 14.0) breaks them at column
79, never inside a python-format or python-brace-format directive (the latter where gettext 0.21
misplaces it); obsolete entries after all the others, and dropped when untranslated. Reading follows
gettext too: when an entry has several `#,` lines only the last one counts, and a backslash just
before a line end joins the next line, as in msgfmt. Babel's broken `#| msgid` lines are repaired.
"""

from __future__ import annotations

import base64
import codecs
import functools
import re
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from pipeline.errors import Problem

__all__ = ["Catalog", "Entry", "PoError", "dumps", "parse"]


@dataclass
class Entry:
    """One message of a catalog, with its comments, flags and previous (`#|`) source text."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int | None = None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def set_fuzzy(self, on: bool) -> None:
        if on and not self.fuzzy:
            self.flags.insert(0, "fuzzy")
        elif not on:
            self.flags[:] = [flag for flag in self.flags if flag != "fuzzy"]


@dataclass
class Catalog:
    """A PO file: the header entry's comments, fields and flags, then the entries in file order."""

    header_comments: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    header_flags: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    header_extracted_comments: list[str] = field(default_factory=list)
    header_references: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        for i, (key, _) in enumerate(self.headers):
            if key.lower() == name.lower():
                self.headers[i] = (key, value)
                return
        self.headers.append((name, value))

    def find(self, msgid: str, msgctxt: str | None) -> Entry | None:
        for entry in self.entries:
            if not entry.obsolete and entry.msgid == msgid and entry.msgctxt == msgctxt:
                return entry
        return None


class PoError(Exception):
    """A PO file that cannot be read; `problems` lists every mistake found, each with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------------------------------------
# Unicode data: libunistring 1.0's line breaking classes (AI, SA, XX resolved to AL and CB to ID,
# as it does for UTF-8) and uc_width column widths (controls counted as 0), run-length encoded
# (varint start delta, value), zlib-compressed, base85. tests/test_po.py checks them against the
# installed libunistring when it is version 1.0.
# ---------------------------------------------------------------------------------------------

_LINE_BREAK_CLASSES = (
    "c-rk)O^9Vz5uQ4A?*D!F-S?)t&z*j+`}WM7j7>5<nHflWFt&!l1SRH2iJ*vKAeu!&Ad8SdRt-rYnh6Awf#4z_>e8LKQgEXp2+1bdL>Fps<<DdlQO"
    "x*N-8<tXJqfz+Mcs2w)u}qC>ipGr55<D%I30DzD9%q%K@ADbX@+k@HD%VCQUW?mZ8>$q1<9fY7qa!5m{RnK=~0Sn1dSQZSrWCvBn~ZnJxK}<*Ca1"
    "^G#E4oZN~eFB1VZ5X{IF4xtPfn3<Xs`SF_tpQA?*(Xgyyp#4o+9&KQ$%u~Kfqa!Xuk%NezpAbLGqs8$Af3Q}z^t}P`%wh<TdjabPP?W3^}KZV<>H"
    "FvU#egqyx1|_h{@|l>+&9OuKsN8P+x!EqGW3@R0?_9h(p3aG-K)cjB<Zk99nOPtqBa;vP6Y*nzowKy6p|$E-k9?d7i;ULPN)E5+2BT)6tE0{#y8|"
    "Pz>3f?|1AYPh6#Si0mqvL8y=v6Wur@{1Rr;h}E!sO4+yBb1_q%}4I-|S6^ETtbqf}#pKKEcIZCkRFC&BrYN94UD5ED_65PI9XIMXP{onTaB(<woA"
    "CN_{Htn~z|N-<*VK?gkxwFNH{a`J5(>GQDk$dL<cUs!xiey<_Zt@gTpu6TUb)TrFYED_EuBSU2Y!yBLr?5bf`gD`auQ(b{A;B}%J2FyF+jL2i?eG"
    "J1t6>B(NOI~O=_EfZs$UkhI)Th<hWB!TU8fQ}3{D?i`S4hET5CcyvmM3E)r=tjSGU`V3c)+5*f<egqRfm2>@lN@-uASqIi1{W=Y6H>HsIqg2Xya;"
    "Xa2RnUeaVc&9}(>t_F98cE5vSU(XCi&a~CVad<b!jrA#bDjeTeH3<tacd5|4;&=lunj<wf4Un5Ze(u4I5l_cHOb(1DInM}0yOA1~tdVE^&T)=pNd"
    "qVw4U^$8QDrh$#l!HuE#$#WHc8)R)iSnVRyj<nImwTI3mnPWNlhVhL+;89hhO$>aQFUMU&t0o++V{Og&t-x5>25|ep8z#js|#_nX*k!-RNGaF*gI"
    "XB4;y5!H<|4W>~H7P4x`tgX<RP$YmpoaYlz6#r4DanUu*bqQ@emY9GnLJqqLt}>DPraBDj%4QfaWk4IiZ=p#HjcYNS_^tFUO$`yVxe*Zz`(TQK#9"
    "Ko3e?wV_9C3(I`@cDXZL`k^YkuS>imJ8=Ic>}-oH?h?7n?(Y&Wi=GaRS|Z=oOPB2uB0K<zl@&JU9p2&G=IC}7S9)%jd5T);?V?6&8Nr3lMCv2!u;"
    "Fo38%ePUc6>qFuJu_OFFl6rMZJ%l-CTdcg=bfj*<PX5#Q`1A0Ugi*9nk+nQm+N^i!<`v`LO3@eTlSg2{^EvfROwwkqj)|NTvLZH4~7ZDU##ZPVtg"
    "Y@!ILTUTU(~hU7+B!2XONWFW(MmD5z}Lp_j$1WWqxYQI8<EMpJO7=yAKltZP-17wTI&|V))OEHuz5h%kp`t^9)f!eMS(2-`AfssbeBV(v%H4XZwV"
    "u3&E=aM2RWZ!Zc^oG9MKh9A5wI&6B7?6o#120>s>*L=ddwNNk1*eF{dCufrecW@XzUMSmme&Ya;tY7tK<BnN#e2REd`5;`O7OQKXI5+5mNqD4Xas"
    "|6wv0X}6{&bdLyXM5LHecH2w8q&I8I>$-1t(g$LvmBc@#t62FPGp{&o0jAFc$C;q@;RjCvi?;Dcs5Uj|I5q5jsOS9sV)n!`LbwE2}dL&u5Q_Y?Un"
    "QXBR95yfPf&0i@_<wqLAyA83aNk5`4l^2jaZFaN414x$0x3&xedh^MT`~nd=6<f_%y#lF=Y;ZQWq^#8Z$t%FyjH}=_2y|*$8eM~wWK%m0HwRu~?c"
    "eB({!BA38wl3r9LD~%s5!*~q}L_-@^>wq{Ddg8_NC)iy!=Jj(8YKF<p~9j^68jik^q<r!sO>Egg+fz-T{CGjHo=3!QLkP<5nc1d#UXCP{{jtg&#Q"
    "C22Pq)*gfGQ%l8lK_JPvxVmyT~1$o^Y3SYIDZ9wv>ZprUd?O7PX2tJ-g_Ben7hm~y2->JM=S`cPKtj7R6uMJ&<cXg?Eqk_-`80*an{KrAMaeVFMx"
    "2Ya{&>Lwu+4=CTt`5`Afyn5l4p0t9>zkn6K;60ZwZPrP`W9UlT-SuO`yPeo37`s-4*{egE9u#QmP2`JGYRK=po+c<EB#>uZXSFBWeUbXjouL>B`T"
    "Kzq}?l7Xc5tgbm3;$@Q|&Tz6-kuW(QDr5A1NC$ccs#WFL-0-hx-4tdzPWv>k^@$MR%X%U6TP+-vwi-BeJ@xh|KoOJxh?2K;y3eNy)WRLuK4q$rEN"
    "G;hwKzKhYxh{DV~nS^8VAfnemJHc2=SyzO0lsZ25+?4@iguKgpNaV8N`|blAlkmY69>34-ZQ0MK3$jP?GRc1ccQ<hh"
)
_COLUMN_WIDTHS = (
    "c-mD}OK4nG7(U;B?!9y8PG*ux&D+FOqsD|Zk4kGJwZWp6g5bg`>Y}j_7eb*MUFgCo^+8dw;H$-jDe6L@8#hvd-3TsR6&G%*V0GcHbf-(d|GOuH!h"
    "D?np8x#s$AmD8lVLB~0r)u!XYiqg2Hvr-1n>&M5`c$7fhx2_?+YUs;<*({eityk$*@;4z)YCJ3w*mCnrQNSoIH?5h(wM>o)1!{p!`BOgo8;g<9Eh"
    "0(us=vY0~Su&rtHbgLjiW-QFSHn_$!zW!H4J`utq}XGwOHz9Q)~*{t<8$a9$)(uauwVoiP^`4*AO_pJYR*SA5^uKP~ewEy|)Z;nZSl-=iLw?X|SP"
    "Kj<(SApYvJC$+(+3YA!?t8AB&nb^DDUXHjJqHuA7g>u;B{b#KeF9F|X4nRP^W1#v4ooY+8XGEDLyj5^xbh_$e1-RSlYW)&J+XdYkiJn{tRr^8T~C"
    "dX6rmDtCESHoda@#3E`CnTGs*$V&yrVnN@O?H-4#=I*Qv*O7wZ;j%Sa~cUIxRD2pf3U3pz=xN_~Y*_U_l28QR1(ScXXbq;cMFM~F2Wz#=d95N)F5"
    "U6;s-lHWNoLNr{8zbq+eh-O`R-b2*9sPiz-ah@IGM!`q>li;OD_uu!xH#u27*f%j`)}_#M!R$(;#oGt4Vb`w!pGQ@*VqOeS5f?1AoX0(((gUADJw"
    "L4a-p4FWuv{IRhFe-u1?sHcPx@$@MThsWmv@=ipR#OHTF>(WPv_r48V0vIY+pW0$uWMc;>|~`muV($=3&T&hz)$e=k_Arum*;y@vKYz;VM4%lE2+"
    "n`P@pzx<@Jf$}hh6xj5&QyaYzzeeyba2f`p8NS#~p{c4J4*P%+27%``Umv}_eY1|%7@-n?UsmSVn@^;yV@>pUdjil%FUiMR@k{_T>tLJfycslKbE"
    "bY2mKIBFEm?BO{pjQ8KzwK+GEt$^L?&nM!&d{@zVh`W~QbhhSo9Z*Kv)&U;(UCi~E$L69#;c%XqgocbOZYY3#r{&RNAOsGgxH9#d1rx6e0Q4eJj^"
    "E--M|qVdeYo{i=EoBf0o&WzcjI6P5kv3M+U5=THd}eEU~q_ye#d#h|7D@V*hn6?4vVd*!FeP3`6p4hMbSQuXYB*K?b;{fI7se$~B1Vl^pH<Cy*R("
    "`N!X;U7O+e7QaptSA9Bv^6|O`&0vKsyUa$WpRmV?QPPW?vz%vFlOF8}4J2&GC5~{yJ)UtkGBByV06b$SutEie1XwU4Cp;YuD*qE)5k9@2nJrVgBC"
    "Y~wXeSB{G=1Q#MKS&f@<CxGGt|KO%6h#LXM6Md_u1sghugrvOJ-+3"
)
_PAIRS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD"
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD"
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII"
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD"
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII"
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD"
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI"
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD"
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI"
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"
)

# libunistring's class numbers (lbrktables.h); the first 33 index _PAIRS (UAX #14 table 7.3).
_BA, _HY, _AL, _HL, _RI, _ZWJ = 3, 5, 20, 28, 29, 30
_BK, _CR, _LF, _CM, _ZW, _SP = 33, 34, 35, 36, 37, 38
_HL_BA = 100  # Hebrew letter followed by hyphen or break-after, known only while scanning (LB21a)
_PAIR_KIND = {"D": 0, "I": 1, "P": 2}  # direct break, indirect break (only after spaces), prohibited

# Break values, per character: whether a line may break just before it.
_NO, _YES, _MUST, _UNDEF = 0, 1, 2, 3


def _expand_runs(encoded: str) -> bytes:
    data = zlib.decompress(base64.b85decode(encoded))
    starts: list[int] = []
    values: list[int] = []
    pos = start = 0
    while pos < len(data):
        delta = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            delta |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        start += delta
        starts.append(start)
        values.append(data[pos])
        pos += 1
    table = bytearray(0x110000)
    for i, value in enumerate(values):
        end = starts[i + 1] if i + 1 < len(starts) else 0x110000
        table[starts[i]:end] = bytes([value]) * (end - starts[i])
    return bytes(table)


@functools.cache
def _tables() -> tuple[bytes, bytes, bytes]:
    """Line breaking class and column width of every code point, and the pair table, flattened."""
    pairs = bytes(_PAIR_KIND[kind] for row in _PAIRS for kind in row)
    return _expand_runs(_LINE_BREAK_CLASSES), _expand_runs(_COLUMN_WIDTHS), pairs


def _break_opportunities(text: str) -> bytearray:
    """Where UAX #14 allows a line break before each character (libunistring's u8_possible_linebreaks)."""
    classes, _, pairs = _tables()
    result = bytearray(len(text))
    prev = last = _BK
    space = False
    ri_run = 0
    for i, char in enumerate(text):
        prop = classes[ord(char)]
        if _BK <= prop <= _LF:
            result[i] = _MUST
            prev, last, space, ri_run = prop, _BK, False, 0
            continue
        if prop == _SP:
            space = True
        elif prop == _ZW:
            last, space = _ZW, False
        elif prop in (_CM, _ZWJ):
            if last == _BK:
                last, space = _AL, False
            elif last == _ZW or space:
                result[i] = _YES
                last, space = _AL, False
        else:
            result[i] = _pair_break(pairs, prev, last, prop, space, ri_run)
            last, space = prop, False
        prev = _HL_BA if prev == _HL and prop in (_HY, _BA) else prop
        ri_run = ri_run + 1 if prop == _RI else 0
    return result


def _pair_break(pairs: bytes, prev: int, last: int, prop: int, space: bool, ri_run: int) -> int:
    if last == _BK or prev == _ZWJ:
        return _NO
    if last == _ZW:
        return _YES
    if last == _RI and prop == _RI:
        return _YES if space or ri_run % 2 == 0 else _NO
    if prev == _HL_BA:
        return _NO
    kind = pairs[last * 33 + prop]
    return _YES if kind == 0 or (kind == 1 and space) else _NO


def _line_breaks(text: str, overrides: bytearray, width: int, start_column: int) -> list[int]:
    """Indexes where msgcat breaks `text` into lines (libunistring's u8_width_linebreaks): a break
    goes at the last opportunity before a piece of text that would pass `width` columns."""
    _, widths, _ = _tables()
    found = _break_opportunities(text)
    breaks: list[int] = []
    last_break = -1
    column = start_column
    piece = 0
    for i, char in enumerate(text):
        kind = found[i] if overrides[i] == _UNDEF else overrides[i]
        if kind != _NO and last_break >= 0 and column + piece > width:
            breaks.append(last_break)
            column = 0
        if kind == _MUST:
            last_break, column, piece = -1, 0, 0
            continue
        if kind == _YES:
            last_break = i
            column += piece
            piece = 0
        piece += widths[ord(char)]
    if last_break >= 0 and column + piece > width:
        breaks.append(last_break)
    return breaks


# ---------------------------------------------------------------------------------------------
# Format directives: msgcat never breaks a line inside one (format-python.c, format-python-brace.c).
# ---------------------------------------------------------------------------------------------

_FORMATS = ("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme",
            "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt",
            "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal",
            "gfc-internal", "ycp")
_DIGITS = "0123456789"


def _python_directives(value: str) -> list[tuple[int, int]]:
    """(first, last) index of each valid %-directive, up to the first invalid one."""
    spans: list[tuple[int, int]] = []
    named = unnamed = 0
    i, n = 0, len(value)
    at = functools.partial(_char_at, value)
    while i < n:
        if value[i] != "%":
            i += 1
            continue
        start, i = i, i + 1
        name = at(i) == "("
        if name:
            i = _closing_paren(value, i + 1)
            if i >= n:
                return spans
            i += 1
        while at(i) in "-+ #0":
            i += 1
        for stage in (0, 1):
            if stage == 1:
                if at(i) != ".":
                    break
                i += 1
            if at(i) == "*":
                if named:
                    return spans
                unnamed, i = unnamed + 1, i + 1
            else:
                while at(i) in _DIGITS:
                    i += 1
        if at(i) in "hlL":
            i += 1
        if at(i) not in "%crsiduoxXeEfgG" or (name and unnamed) or (not name and at(i) != "%" and named):
            return spans
        named, unnamed = (named + 1, unnamed) if name else (named, unnamed + (at(i) != "%"))
        spans.append((start, i))
        i += 1
    return spans


def _char_at(value: str, i: int) -> str:
    return value[i] if i < len(value) else "\0"


def _closing_paren(value: str, i: int) -> int:
    depth = 0
    while i < len(value):
        if value[i] == "(":
            depth += 1
        elif value[i] == ")":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return i


def _brace_directives(value: str) -> list[tuple[int, int]]:
    """Where msgcat 0.21 forbids breaks in a python-brace-format string. Its parser records each
    directive relative to the directive's own "{" instead of the string's start (a gettext bug, fixed
    after 0.21), so all directives land on the beginning of the string and the first end or error
    mark found there decides: breaks are forbidden inside value[0:stop + 1], or nowhere."""
    ends: list[int] = []
    error = -1
    i = 0
    while i < len(value):
        if value[i] != "{":
            i += 1
            continue
        end, error = _brace_directive(value, i, True)
        if end < 0:
            break
        if value[i + 1] != "{":
            ends.append(end - 1 - i)
        i = end
    if not ends or 0 <= error <= min(ends):
        return []
    last, size = 0, len(value[0].encode("utf-8"))  # the marks count bytes: the last character starting by then
    while last + 1 < len(value) and size <= min(ends):
        last, size = last + 1, size + len(value[last + 1].encode("utf-8"))
    return [(0, last)]


def _brace_directive(value: str, i: int, top: bool) -> tuple[int, int]:
    """Parse the directive whose "{" is at `i`: (the index after it, -1), or (-1, where gettext marks
    the error, counted from that "{")."""
    at = functools.partial(_char_at, value)
    start, i = i, i + 1
    if at(i) == "{":
        return i + 1, -1
    after = _brace_field(value, i, numeric=True)
    if after < 0:
        return -1, i - start
    i = after
    while at(i) in ".[":
        opener = at(i)
        after = _brace_field(value, i + 1, numeric=opener == "[")
        if after < 0:
            return -1, i + 1 - start
        i = after
        if opener == "[":
            if at(i) != "]":
                return -1, i + 1 - start
            i += 1
    if at(i) == ":":
        if not top:
            return -1, i - start
        if at(i + 1) == "{":
            inner, error = _brace_directive(value, i + 1, False)
            if inner < 0:
                return -1, error
            i = inner
        else:
            i = _brace_spec(value, i + 1)
    if at(i) != "}":
        return -1, i - start
    return i + 1, -1


def _brace_field(value: str, i: int, numeric: bool) -> int:
    at = functools.partial(_char_at, value)
    if at(i).isascii() and (at(i).isalpha() or at(i) == "_"):
        while at(i).isascii() and (at(i).isalnum() or at(i) == "_"):
            i += 1
        return i
    if numeric and at(i) in _DIGITS:
        while at(i) in _DIGITS:
            i += 1
        return i
    return -1


def _brace_spec(value: str, i: int) -> int:
    """Skip PEP 3101 standard format specifiers: [[fill]align][sign][#][0][width][.precision][type]."""
    at = functools.partial(_char_at, value)
    if at(i + 1) in "<>=^" and at(i) != "\0":
        i += 2
    elif at(i) in "<>=^":
        i += 1
    for optional in ("+- ", "#", "0"):
        if at(i) in optional:
            i += 1
    while at(i) in _DIGITS:
        i += 1
    if at(i) == ".":
        i += 1
        while at(i) in _DIGITS:
            i += 1
    if at(i) in "bcdoxXneEfFgG%":
        i += 1
    return i


# ---------------------------------------------------------------------------------------------
# Writing, as write-po.c does it.
# ---------------------------------------------------------------------------------------------

_ESCAPE_TABLE = str.maketrans({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                               "\v": "\\v", "\\": "\\\\", '"': '\\"'})
_NEEDS_ESCAPE = re.compile(r'[\a\b\f\n\r\t\v\\"]')
_FLAG_SEPARATORS = re.compile(r"[\n \t\r\f\v,]+")
_RANGE = re.compile(r"([0-9]+)\.\.([0-9]+)")
_CHARSET = re.compile(r"charset=([^ \t\n]*)")
_INT_MAX = 2**31 - 1
_UNWRAPPED = 2**62
Directives = Callable[[str], list[tuple[int, int]]]


@dataclass
class _Flags:
    """An entry's flags as gettext understands them (po_parse_comment_special)."""

    fuzzy: bool = False
    formats: dict[int, str] = field(default_factory=dict)  # index in _FORMATS -> yes, no, possible, impossible
    range: tuple[int, int] | None = None
    wrap: bool = True


def _read_flags(flags: list[str]) -> _Flags:
    result = _Flags()
    tokens = [token for token in _FLAG_SEPARATORS.split(", ".join(flags)) if token]
    i = 0
    while i < len(tokens):
        token, i = tokens[i], i + 1
        if token == "fuzzy":
            result.fuzzy = True
        elif token == "range:":
            match = _RANGE.match(tokens[i]) if i < len(tokens) else None
            i += 1
            low, high = (min(int(n), _INT_MAX) for n in match.groups()) if match else (1, 0)
            if low <= high:
                result.range = (low, high)
        elif token in ("wrap", "no-wrap"):
            result.wrap = token == "wrap"
        elif token.endswith("-format"):
            _read_format(token[: -len("-format")], result.formats)
    return result


def _read_format(name: str, formats: dict[int, str]) -> None:
    kind = "yes"
    for prefix in ("no-", "possible-", "impossible-"):
        if name.startswith(prefix):
            name, kind = name[len(prefix):], prefix[:-1]
            break
    if name in _FORMATS:
        formats[_FORMATS.index(name)] = kind


def _flag_line(flags: _Flags, translated: bool, obsolete: bool) -> list[str]:
    """The `#,` line: fuzzy (only on a translated entry), formats in gettext's order, range, no-wrap."""
    parts = ["fuzzy"] if flags.fuzzy and (translated or obsolete) else []
    parts += [("no-" if kind == "no" else "") + _FORMATS[index] + "-format"
              for index, kind in sorted(flags.formats.items()) if kind != "impossible"]
    if flags.range and not obsolete:
        parts.append(f"range: {flags.range[0]}..{flags.range[1]}")
    if not flags.wrap:
        parts.append("no-wrap")
    return ["#, " + ", ".join(parts)] if parts else []


def _directive_finder(flags: _Flags) -> Directives | None:
    """msgcat keeps the first format (in its order) that the flags allow, and never breaks in its directives."""
    for index in sorted(flags.formats):
        if flags.formats[index] in ("yes", "possible"):
            return {"python": _python_directives, "python-brace": _brace_directives}.get(_FORMATS[index])
    return None


def _file_positions(text: str) -> list[tuple[str, int | None]]:
    """The file names and line numbers of a `#:` line, read as po_parse_comment_filepos reads them."""
    found: list[tuple[str, int | None]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\n":
            i += 1
        if i >= n:
            break
        start, i = i, i + 1
        while i < n and text[i] not in " \t\n":
            i += 1
        name, number, i = _file_position(text, start, i)
        found.append((name, number))
    return found


def _file_position(text: str, start: int, end: int) -> tuple[str, int | None, int]:
    after = _skip_blanks(text, end)
    if after < len(text) and text[after] == ":":
        number, resume = _number_at(text, _skip_blanks(text, after + 1))
        if number is not None:
            return text[start:end], number, resume
    if text[end - 1] == ":":
        number, resume = _number_at(text, _skip_blanks(text, end))
        if number is not None:
            return text[start:end - 1], number, resume
    digits = end
    while digits > start and text[digits - 1] in _DIGITS:
        digits -= 1
    if start + 1 < digits < end and text[digits - 1] == ":":
        return text[start:digits - 1], int(text[digits:end]), end
    return text[start:end], None, end


def _skip_blanks(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i


def _number_at(text: str, i: int) -> tuple[int | None, int]:
    end = i
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    if end > i and (end == len(text) or text[end] in " \t\n"):
        return int(text[i:end]), end
    return None, i


def _reference_lines(references: list[str], width: int) -> list[str]:
    """`#:` lines: every file position once, packed up to the page width, without leading "./"."""
    positions = dict.fromkeys(position for text in references for position in _file_positions(text))
    if not positions:
        return []
    lines: list[str] = []
    line, column = "#:", 2
    for name, number in positions:
        while name.startswith("./"):
            name = name[2:]
        item = name if number is None else f"{name}:{number}"
        size = len(item.encode("utf-8")) + 1
        if column > 2 and column + size > width:
            lines.append(line)
            line, column = "#:", 2
        line += " " + item
        column += size
    lines.append(line)
    return lines


def _comment_lines(marker: str, comments: list[str]) -> list[str]:
    return [marker + (" " + line if line else "") for comment in comments for line in comment.split("\n")]


def _portions(value: str) -> Iterator[tuple[str, bool]]:
    """The value cut after each newline, each with whether more text follows it."""
    start = 0
    while True:
        end = value.find("\n", start)
        end = len(value) if end < 0 else end + 1
        yield value[start:end], end < len(value)
        start = end
        if start >= len(value):
            return


def _escaped(portion: str, marks: bytes) -> tuple[str, bytearray]:
    """The portion as written between quotes, and where breaks are forbidden in it: inside an escape
    sequence, inside a format directive (`marks`), and before the final "\\n"."""
    text = portion.translate(_ESCAPE_TABLE)
    overrides = bytearray([_UNDEF]) * len(text)
    escapes = [match.start() for match in _NEEDS_ESCAPE.finditer(portion)]
    for count, index in enumerate(escapes):
        overrides[index + count + 1] = _NO
    index = marks.find(1)
    while index >= 0:
        overrides[index + bisect_left(escapes, index)] = _NO
        index = marks.find(1, index + 1)
    if portion.endswith("\n"):
        overrides[len(text) - 2] = _NO
    return text, overrides


def _forbidden(value: str, directives: Directives | None) -> bytearray:
    marks = bytearray(len(value))
    if directives is not None and value:
        for first, last in directives(value):
            marks[first + 1:last + 1] = b"\x01" * (last - first)
    return marks


def _wrap(prefix: str, name: str, value: str, width: int, directives: Directives | None, wrap: bool) -> list[str]:
    """The lines msgcat writes for a keyword and its string (write-po.c's wrap, without indentation)."""
    marks = _forbidden(value, directives)
    after_break = len(prefix) + 1
    room = (width if wrap else _UNWRAPPED) - 1 - after_break
    lines: list[str] = []
    first = True
    offset = 0
    for portion, more in _portions(value):
        text, overrides = _escaped(portion, bytes(marks[offset:offset + len(portion)]))
        offset += len(portion)
        while True:
            column = len(prefix) + (len(name) + 1 if first else 0) + 1 - after_break
            breaks = _line_breaks(text, overrides, room, column)
            if not (first and text and (more or column > room or breaks)):
                break
            lines.append(f'{prefix}{name} ""')
            first = False
        cuts = [0, *breaks, len(text)]
        pieces = [text[start:end] for start, end in pairwise(cuts)]
        lines.append(f'{prefix}{name} "{pieces[0]}"' if first else f'{prefix}"{pieces[0]}"')
        lines.extend(f'{prefix}"{piece}"' for piece in pieces[1:])
        first = False
    return lines


def _first_msgstr(entry: Entry) -> str:
    if entry.msgid_plural is None:
        return entry.msgstr
    return entry.msgstr_plural[min(entry.msgstr_plural)] if entry.msgstr_plural else ""


def _entry_lines(entry: Entry, width: int) -> list[str]:
    """One message as message_print (or message_print_obsolete) writes it."""
    flags = _read_flags(entry.flags)
    lines = _comment_lines("#", entry.translator_comments) + _comment_lines("#.", entry.extracted_comments)
    lines += _reference_lines(entry.references, width)
    lines += _flag_line(flags, _first_msgstr(entry) != "", entry.obsolete)
    write = functools.partial(_wrap, width=width, directives=_directive_finder(flags), wrap=flags.wrap)
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgid is not None:
        if entry.previous_msgctxt is not None:
            lines += write(previous, "msgctxt", entry.previous_msgctxt)
        lines += write(previous, "msgid", entry.previous_msgid)
        if entry.previous_msgid_plural is not None:
            lines += write(previous, "msgid_plural", entry.previous_msgid_plural)
    key = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        lines += write(key, "msgctxt", entry.msgctxt)
    lines += write(key, "msgid", entry.msgid)
    if entry.msgid_plural is None:
        return lines + write(key, "msgstr", entry.msgstr)
    lines += write(key, "msgid_plural", entry.msgid_plural)
    forms = entry.msgstr_plural or {0: ""}
    for index in sorted(forms):
        lines += write(key, f"msgstr[{index}]", forms[index])
    return lines


def _utf8_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The header fields with Content-Type declaring UTF-8 (kept as written when it already does)."""
    result = list(headers)
    for i, (name, value) in enumerate(result):
        if name.lower() == "content-type":
            match = _CHARSET.search(value)
            if match is None:
                result[i] = (name, value + "; charset=UTF-8")
            elif match.group(1).upper() != "UTF-8":
                result[i] = (name, value[:match.start(1)] + "UTF-8" + value[match.end(1):])
            return result
    return [*result, ("Content-Type", "text/plain; charset=UTF-8")]


def _header_lines(catalog: Catalog, width: int) -> list[str]:
    text = "".join(f"{name}: {value}\n" if name else f"{value}\n" for name, value in _utf8_headers(catalog.headers))
    header = Entry("", text, translator_comments=catalog.header_comments, flags=catalog.header_flags,
                   extracted_comments=catalog.header_extracted_comments, references=catalog.header_references)
    return _entry_lines(header, width)


def dumps(catalog: Catalog, width: int = 79) -> bytes:
    """The catalog as msgcat writes it: UTF-8, the header entry first, obsolete entries last (untranslated
    obsolete ones are dropped, as msgcat drops them). `width` is msgcat's --width: 0 means no wrapping,
    and less than 20 counts as 20."""
    width = _INT_MAX if width == 0 else max(width, 20)
    blocks = [_header_lines(catalog, width)]
    blocks += [_entry_lines(entry, width) for entry in catalog.entries if not entry.obsolete]
    blocks += [_entry_lines(entry, width) for entry in catalog.entries if entry.obsolete and _first_msgstr(entry)]
    return ("\n\n".join("\n".join(block) for block in blocks) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Reading, with gettext's grammar (po-gram-gen.y) and lexer (po-lex.c), line by line.
# ---------------------------------------------------------------------------------------------

_SPACE = " \t\r\f\v"
_TOKEN = re.compile(r'[ \t\r\f\v]*(?:(?P<word>[A-Za-z_$][A-Za-z0-9_$]*)'
                    r'(?:[ \t\r\f\v]*\[[ \t\r\f\v]*(?P<index>[0-9]+)[ \t\r\f\v]*\])?'
                    r'|"(?P<text>[^"\\]*(?:\\.[^"\\]*)*)(?P<close>"?)|(?P<junk>.))', re.S)
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))", re.S)
_NAMED_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "\\": "\\", '"': '"'}
_SOLARIS = re.compile(r" [Ff]ile:[ \t]*(.*?)[ \t]*,[ \t]*line[ \t]*(?:number[ \t]*)?:([0-9]+)[ \t\n]*\Z")
_FIX = "PO syntax error: {}; fix it in a PO editor"
_STARTS = {"prev_msgctxt", "prev_msgid", "msgctxt", "msgid"}
_COMPLETE = {"msgstr", "msgstr[]"}
_AFTER = {
    "prev_msgctxt": {"idle"},
    "prev_msgid": {"idle", "prev_msgctxt"},
    "prev_msgid_plural": {"prev_msgid"},
    "msgctxt": {"idle", "prev_msgid", "prev_msgid_plural"},
    "msgid": {"idle", "prev_msgid", "prev_msgid_plural", "msgctxt"},
    "msgid_plural": {"msgid"},
    "msgstr": {"msgid"},
    "msgstr[]": {"msgid_plural", "msgstr[]"},
}


@dataclass
class _Line:
    number: int
    kind: str  # "blank", "comment" (text after "#") or "tokens"
    text: str
    obsolete: bool = False  # "#~"
    previous: bool = False  # "#|"


def _classify(number: int, raw: str) -> _Line:
    body = raw.removesuffix("\r").lstrip(_SPACE)
    if not body.strip(_SPACE) or body.rstrip(_SPACE) == "#~":
        return _Line(number, "blank", "")
    if body.startswith("#~|"):
        return _Line(number, "tokens", body[3:], obsolete=True, previous=True)
    if body.startswith("#~"):
        rest = body[2:].lstrip(_SPACE)
        if rest.startswith("#"):
            return _Line(number, "comment", rest[1:], obsolete=True)
        return _Line(number, "tokens", body[2:], obsolete=True)
    if body.startswith("#|"):
        return _Line(number, "tokens", body[2:], previous=True)
    if body.startswith("#"):
        return _Line(number, "comment", body[1:])
    return _Line(number, "tokens", body)


def _lines(text: str) -> Iterator[_Line]:
    """The file's lines, classified. Babel (2.18, 2.19) wraps a long `#| msgid` like prose, cutting its
    strings at spaces across `#|` lines; such lines are joined back with the one space Babel dropped
    (exact unless it cut at a run of spaces or next to a "--")."""
    raw = text.split("\n")
    if raw[-1] == "":
        raw.pop()
    i = 0
    while i < len(raw):
        line, i = _classify(i + 1, _continued(raw, i)), _next_line(raw, i)
        while line.previous and i < len(raw) and _inside_string(line.text):
            after = _classify(i + 1, _continued(raw, i))
            if not (after.previous and after.obsolete == line.obsolete):
                break
            line.text += " " + after.text.removeprefix(" ")
            i = _next_line(raw, i)
        yield line


def _continued(raw: list[str], i: int) -> str:
    """The line at `i` with the lines that a backslash just before its newline continues it with:
    gettext's lexer drops every backslash-newline pair, in comments too."""
    line = raw[i]
    while line.endswith("\\") and i + 1 < len(raw):
        i += 1
        line = line[:-1] + raw[i]
    return line


def _next_line(raw: list[str], i: int) -> int:
    while raw[i].endswith("\\") and i + 1 < len(raw):
        i += 1
    return i + 1


def _inside_string(text: str) -> bool:
    inside = False
    i = 0
    while i < len(text):
        if inside and text[i] == "\\":
            i += 2
            continue
        inside ^= text[i] == '"'
        i += 1
    return inside


def _unescape(raw: str, encoding: str) -> str:
    """A quoted string's value; ValueError says what is wrong with it."""
    if "\\" in raw:
        pieces: list[str | int] = []
        pos = 0
        for match in _ESCAPE.finditer(raw):
            octal, hexadecimal, char = match.groups()
            if char is not None and char not in _NAMED_ESCAPES:
                raise ValueError(f"invalid escape sequence \\{char} in a string")
            pieces.append(raw[pos:match.start()])
            pieces.append(_NAMED_ESCAPES[char] if char is not None else int(octal or hexadecimal,
                                                                               8 if octal else 16) & 0xFF)
            pos = match.end()
        pieces.append(raw[pos:])
        if all(isinstance(piece, str) for piece in pieces):
            raw = "".join(str(piece) for piece in pieces)
        else:
            data = b"".join(bytes([piece]) if isinstance(piece, int) else piece.encode(encoding) for piece in pieces)
            try:
                raw = data.decode(encoding)
            except UnicodeDecodeError:
                raise ValueError(f"octal or \\x escape sequences that are not valid {encoding} text") from None
    if "\0" in raw:
        raise ValueError("a NUL character (\\0) in a string")
    if "\x04" in raw:
        raise ValueError("the context separator EOT (\\x04) in a string")
    return raw


def _split_flags(text: str) -> list[str]:
    """`#, fuzzy, python-format` -> ["fuzzy", "python-format"]; "range: 1..3" stays one flag."""
    tokens = [token for token in _FLAG_SEPARATORS.split(text) if token]
    flags: list[str] = []
    for token in tokens:
        if flags and flags[-1] == "range:":
            flags[-1] += " " + token
        else:
            flags.append(token)
    return flags


@dataclass
class _Draft:
    """The entry being read, and the comments that came before it."""

    line: int = 0
    obsolete: bool = False
    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    parts: dict[str, list[str]] = field(default_factory=dict)  # keyword (plural forms as "msgstr[N]") -> strings
    msgid_line: int | None = None

    def comment(self, text: str) -> None:
        """A comment line's text after "#", filed as gettext's po_callback_comment_dispatcher does."""
        if text.startswith("."):
            self.extracted.append(text[2:] if text.startswith(". ") else text[1:])
        elif text.startswith(":"):
            self.references.append(text[2:] if text.startswith(": ") else text[1:])
        elif text.startswith((",", "!")):
            self.flags = _split_flags(text[1:])  # as in gettext, the last flag line counts
        elif solaris := _SOLARIS.match(text):
            self.references.append(f"{solaris.group(1)}:{int(solaris.group(2))}")
        else:
            self.translator.append(text[1:] if text.startswith(" ") else text)

    def entry(self) -> Entry:
        parts = {key: "".join(strings) for key, strings in self.parts.items()}
        plural = {int(key[7:-1]): value for key, value in parts.items() if key.startswith("msgstr[")}
        return Entry(parts["msgid"], parts.get("msgstr", ""), parts.get("msgctxt"), parts.get("msgid_plural"), plural,
                     self.translator, self.extracted, self.references, self.flags, parts.get("prev_msgctxt"),
                     parts.get("prev_msgid"), parts.get("prev_msgid_plural"), self.obsolete, self.msgid_line)


class _Reader:
    """gettext's PO grammar as a state machine over classified lines; collects entries and problems.
    After a mistake it skips to the next comment, blank line or entry start, so one mistake is
    reported once and later ones are still found."""

    def __init__(self, where: str, encoding: str) -> None:
        self.where, self.encoding = where, encoding
        self.entries: list[Entry] = []
        self.problems: list[Problem] = []
        self.draft = _Draft()
        self.state = "idle"  # the last keyword read in the current entry
        self.field = ""  # the part the next strings belong to
        self.plural = 0  # the index of the last msgstr[N]
        self.recovering = False

    def feed(self, line: _Line) -> None:
        if line.kind == "blank":
            self.recovering = False
        elif line.kind == "comment":
            self.comment(line)
        else:
            self.tokens(line)

    def end(self) -> None:
        if self.state in _COMPLETE:
            self.finish()
        elif self.state != "idle" and not self.recovering:
            self.error(self.draft.line, f"the entry that starts on line {self.draft.line} has no msgstr")

    def error(self, number: int, message: str) -> bool:
        self.problems.append(Problem(self.where, number, None, _FIX.format(message)))
        self.draft, self.state, self.recovering = _Draft(), "idle", True
        return False

    def finish(self) -> None:
        self.entries.append(self.draft.entry())
        self.draft, self.state = _Draft(), "idle"

    def comment(self, line: _Line) -> None:
        if self.state in _COMPLETE:
            self.finish()
        elif self.state != "idle":
            self.error(line.number, f"a comment line inside the entry that starts on line {self.draft.line}")
            return
        self.recovering = False
        self.draft.comment(line.text)

    def tokens(self, line: _Line) -> None:
        for match in _TOKEN.finditer(line.text):
            word, text, junk = match.group("word", "text", "junk")
            if word is not None:
                going = self.keyword(word, match.group("index"), line)
            elif text is not None:
                going = self.string(text, match.group("close"), line)
            else:
                going = self.recovering or self.error(line.number, f"{junk!r} outside quotes")
            if not going:
                return

    def keyword(self, word: str, index: str | None, line: _Line) -> bool:
        kw = "prev_" + word if line.previous else "msgstr[]" if index is not None else word
        if kw not in _AFTER or (index is not None and word != "msgstr"):
            return self.recovering or self.error(line.number, f"unknown keyword {word!r}")
        if self.state in _COMPLETE and kw in _STARTS:
            self.finish()
        if self.recovering and kw not in _STARTS:
            return False
        self.recovering = False
        if self.state not in _AFTER[kw]:
            self.error(self.draft.line if kw in _STARTS else line.number, self.misplaced(kw))
            if kw not in _STARTS:
                return False
            self.recovering = False  # the keyword begins the next entry: read on from it
        if self.state == "idle":
            self.draft.line, self.draft.obsolete = line.number, line.obsolete
        elif line.obsolete != self.draft.obsolete:
            return self.error(line.number, f"#~ on some lines of the entry that starts on line {self.draft.line} only")
        if kw == "msgstr[]":
            expected = 0 if self.state == "msgid_plural" else self.plural + 1
            if int(str(index)) != expected:
                return self.error(line.number, f"msgstr[{index}] where msgstr[{expected}] should come")
            self.plural = expected
        self.field = f"msgstr[{self.plural}]" if kw == "msgstr[]" else kw
        self.draft.parts[self.field] = []
        self.draft.msgid_line = line.number if kw == "msgid" else self.draft.msgid_line
        self.state = kw
        return True

    def misplaced(self, kw: str) -> str:
        name = kw.replace("prev_", "#| ").replace("[]", "[N]")
        if self.state == "idle":
            return f"{name} without msgid before it"
        if self.state == "msgctxt":
            return f"the msgctxt on line {self.draft.line} has no msgid after it"
        if self.state in ("msgid", "msgid_plural") and kw in _STARTS:
            return f"the entry that starts on line {self.draft.line} has no msgstr"
        if kw == "msgstr" and self.state == "msgid_plural":
            return "an entry with msgid_plural needs msgstr[0], msgstr[1]... instead of msgstr"
        if kw == "msgstr[]" and self.state == "msgid":
            return "msgstr[N] in an entry without msgid_plural"
        return f"{name} cannot follow {self.state.replace('prev_', '#| ').replace('[]', '[N]')}"

    def string(self, text: str, close: str, line: _Line) -> bool:
        if self.recovering:
            return False
        if not close:
            return self.error(line.number, "a string without its closing quote")
        if self.state == "idle":
            return self.error(line.number, "a string outside any entry (no msgid or msgstr before it)")
        if line.obsolete != self.draft.obsolete:
            return self.error(line.number, f"#~ on some lines of the entry that starts on line {self.draft.line} only")
        if line.previous and not self.state.startswith("prev_"):
            return self.error(line.number, f"a #| string where the {self.state} text should continue")
        # A bare string right after a #| string continues it: Babel wrote such lines (legacy repair).
        try:
            self.draft.parts[self.field].append(_unescape(text, self.encoding))
        except ValueError as problem:
            return self.error(line.number, str(problem))
        return True


def _read(text: str, where: str, encoding: str, first_only: bool = False) -> _Reader:
    reader = _Reader(where, encoding)
    for line in _lines(text):
        reader.feed(line)
        if first_only and reader.entries:
            return reader
    reader.end()
    return reader


def _declared_charset(data: bytes) -> tuple[str | None, int | None]:
    """The charset in the Content-Type of the header entry (the file's first entry), and its line."""
    reader = _read(data.decode("latin-1"), "", "latin-1", first_only=True)
    for entry in reader.entries[:1]:
        match = _CHARSET.search(entry.msgstr)
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete and match:
            return match.group(1), entry.line
    return None, None


def _decode(data: bytes, where: str) -> tuple[str, str]:
    """The file's text and the Python codec it was decoded with; PoError when it cannot be decoded."""
    data = data.removeprefix(codecs.BOM_UTF8)
    charset, line = _declared_charset(data)
    name = "UTF-8" if charset in (None, "CHARSET") else str(charset)
    try:
        codec = codecs.lookup(name).name
        return data.decode(codec), codec
    except LookupError:
        message = f"the charset {charset!r} in the Content-Type header is unknown"
    except UnicodeDecodeError as bad:
        line = data.count(b"\n", 0, bad.start) + 1
        message = f"bytes on this line are not {name} text" + (f" (the charset {charset!r} in the Content-Type header)"
                                                               if charset not in (None, "CHARSET") else "")
    raise PoError([Problem(where, line, None, message + "; save the file as UTF-8 and set charset=UTF-8")])


def _headers(text: str) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if line:
            headers.append((name, value.removeprefix(" ")) if colon else ("", line))
    return headers


def _assemble(entries: list[Entry], where: str) -> tuple[Catalog, list[Problem]]:
    """The catalog: the first entry with an empty msgid becomes the header; duplicates are problems."""
    catalog = Catalog()
    seen: dict[tuple[str | None, str], int | None] = {}
    problems: list[Problem] = []
    header_seen = False
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        if not entry.obsolete and key in seen:
            context = "" if entry.msgctxt is None else f" with msgctxt {_short(entry.msgctxt)}"
            problems.append(Problem(where, entry.line, None, f"duplicate entry for msgid {_short(entry.msgid)}{context}"
                                                             f" (also on line {seen[key]}); delete one"))
            continue
        if not entry.obsolete:
            seen[key] = entry.line
        if not header_seen and key == (None, "") and not entry.obsolete and entry.msgid_plural is None:
            header_seen = True
            catalog.header_comments, catalog.header_flags = entry.translator_comments, entry.flags
            catalog.header_extracted_comments, catalog.header_references = entry.extracted_comments, entry.references
            catalog.headers = _headers(entry.msgstr)
        else:
            catalog.entries.append(entry)
    return catalog, problems


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse(data: bytes, where: str) -> Catalog:
    """Read a PO file; PoError lists every problem found, `where` naming the file in each."""
    text, codec = _decode(data, where)
    reader = _read(text, where, codec)
    catalog, duplicates = _assemble(reader.entries, where)
    problems = sorted(reader.problems + duplicates, key=lambda problem: problem.line or 0)
    if problems:
        raise PoError(problems)
    return catalog
