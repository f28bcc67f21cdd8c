#!/bin/bash
# End-to-end tests of Arabic as a reader types it: letter forms folded in
# the index, the query and the highlight (the highlight marks the word as
# the page wrote it), words kept apart that only look alike, and no stem
# shorter than three letters (common/arabic_stem.h).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

pages=$WORK/pages
mkdir -p "$pages"
page "$pages/official.txt" "تصريح رسمي" "قال مسؤول في الوزارة إن المؤتمر يبدأ غدا، وإن الهيئة نشرت کتاب الدليل."
page "$pages/city.txt" "الرياض" "تقع الرياض في وسط المملكة، وزار الوفد أحياء الرياض القديمة."
page "$pages/sport.txt" "الرياضة" "أقيمت بطولة الرياضة المدرسية، وفاز الفريق الرياضي بالكأس."
db=$WORK/db
"$FIHRIS_INDEX" --db "$db" "$pages" || { fail "index the pages"; finish; exit 1; }
srch() { "$FIHRIS_SEARCH" --db "$db" "$@"; }
keys() { srch --format json --limit 50 "$@" | grep -o '"id":"[^"]*"' | sed 's|.*/||;s|"$||' | tr '\n' ' ' | sed 's/ $//'; }
marked() { srch --highlight markers --snippet-length 300 "$@"; }

# --- Folding: in the index, the query and the highlight ----------------------
check_eq "مسئول finds مسؤول" "official.txt" "$(keys مسئول)"
check_contains "مسئول highlights مسؤول as written" "**مسؤول**" "$(marked مسئول)"
check_contains "مسوول (no hamza) highlights مسؤول" "**مسؤول**" "$(marked مسوول)"
check_contains "موتمر highlights المؤتمر" "**المؤتمر**" "$(marked موتمر)"
check_contains "هيئه highlights الهيئة" "**الهيئة**" "$(marked هيئه)"
check_contains "كتاب (Arabic kaf) highlights کتاب (keheh)" "**کتاب**" "$(marked كتاب)"

# --- Words kept apart ---------------------------------------------------------
check_eq "رياض: the city, not sport" "city.txt" "$(keys رياض)"
check_eq "الرياضة: sport, not the city" "sport.txt" "$(keys الرياضة)"
check_eq "زار: the visit (وزار), not the ministry (الوزارة)" "city.txt" "$(keys زار)"
check_eq "الله is not له" "" "$(keys الله)"

# --- No stem shorter than three letters --------------------------------------
# Every Arabic word of the sample pages: a term of fewer than three letters
# is the whole word (harakat and tatweel aside), nothing taken off it.
short=0
checked=0
while IFS=$'\t' read -r term _ _ script surface; do
    [ "$script" = arabic ] || continue
    checked=$((checked + 1))
    bare=${surface//[ًٌٍَُِّْٰـ]/}
    if [ "${#term}" -lt 3 ] && [ "${#term}" -ne "${#bare}" ]; then
        short=$((short + 1))
        echo "  $surface -> $term" >&2
    fi
done < <(cat "$FH_SOURCE_DIR"/corpus/*.txt "$pages"/*.txt | tr -s ' \n' '  ' |
    xargs -0 "$FIHRIS_SEARCH" --analyze)
check_eq "no stem under three letters (of $checked Arabic words)" 0 "$short"
[ "$checked" -gt 100 ] && pass "the sample pages hold over 100 Arabic words" ||
    fail "only $checked Arabic words analyzed"
finish
