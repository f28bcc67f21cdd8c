# scdoc_tidy.awk - drop the empty paragraphs scdoc writes into a man page.
#
# scdoc opens a paragraph (.P) right after each heading and before each
# heading or end of an indented block, where there is nothing to open.
# groff ignores them; mandoc -T lint warns of each ("skipping paragraph
# macro"). This drops a .P that follows .TH, .SH, .SS or another .P, or
# that comes before .SH, .SS, .RE or the end of the page, and leaves every
# other line as scdoc wrote it.
{
    if ($0 == ".P") {
        if (pending || prev ~ /^\.(TH|SH|SS)( |$)/)
            next
        pending = 1
        next
    }
    if (pending && $0 !~ /^\.(SH|SS|RE)( |$)/)
        print ".P"
    pending = 0
    print
    prev = $0
}
