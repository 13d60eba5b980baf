// SPDX-License-Identifier: GPL-2.0-or-later
// retype.c: on-the-fly re-typing: ClamAV's HTML, MHTML and mail type
// patterns, searched over a whole text, binary or GIF object with the body
// matcher.
#include "scan/retype.h"

#include <pthread.h>
#include <string.h>

#include "match/matcher.h"
#include "vigil/vigil.h"

/* One matcher for the whole process: built once from filetype.c's rules,
 * read-only afterwards, never freed (like a static table). */
static struct vg_matcher rules;
static int rules_status = VIGIL_E_STATE;
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

static void build_rules(void)
{
    struct vg_offset any;
    const char *why = NULL, *pat;
    enum vg_ftype type;
    int ret = VIGIL_OK;
    memset(&any, 0, sizeof any);
    any.kind = VG_OFF_ANY;
    vg_matcher_init(&rules);
    for (size_t i = 0; ret == VIGIL_OK &&
                       (pat = vg_ftype_retype_rule(i, &type)) != NULL;
         i++)
        ret = vg_matcher_add(&rules, vigil_str_cstr(pat), 0, &any, 0,
                             (uint32_t)type, &why);
    if (ret == VIGIL_OK)
        ret = vg_matcher_compile(&rules, &why);
    rules_status = ret;
}

struct found {
    bool want_mail, want_html, want_mhtml; /* what counts for this type */
    bool html, mail, mhtml;
    uint64_t mail_at; /* where the mail headers start */
};

static int on_rule(void *cookie, uint32_t owner, uint64_t start, uint64_t end)
{
    struct found *f = cookie;
    (void)end;
    if (owner == VG_FT_MHTML && f->want_mhtml && start > 0)
        f->mhtml = true;
    else if (owner == VG_FT_MAIL && f->want_mail) {
        f->mail = true;
        f->mail_at = start;
    } else if (owner == VG_FT_HTML && f->want_html)
        f->html = true;
    return f->mhtml; /* MHTML outranks the others: nothing more to learn */
}

/* ClamAV re-types text and binary data as MHTML, text as mail, text and
 * GIF as HTML. */
static void wanted(struct found *f, enum vg_ftype t)
{
    f->want_mail = t == VG_FT_TEXT_ASCII;
    f->want_html = t == VG_FT_TEXT_ASCII || t == VG_FT_GIF;
    f->want_mhtml = t == VG_FT_BINARY_DATA || t == VG_FT_TEXT_ASCII ||
                    t == VG_FT_TEXT_UTF8 || t == VG_FT_TEXT_UTF16LE ||
                    t == VG_FT_TEXT_UTF16BE;
}

enum vg_ftype vg_retype_on_the_fly(struct vg_match_scratch **ms,
                                   enum vg_ftype t, struct vigil_span data,
                                   size_t *mail_at)
{
    struct found f;
    memset(&f, 0, sizeof f);
    wanted(&f, t);
    if (!f.want_mail && !f.want_html && !f.want_mhtml)
        return VG_FT_COUNT;
    /* Typing already searched the first window for these patterns. */
    if (data.len <= VG_FT_MAGIC_WINDOW)
        return VG_FT_COUNT;
    pthread_once(&rules_once, build_rules);
    if (rules_status != VIGIL_OK)
        return VG_FT_COUNT;
    if (!*ms && vg_match_scratch_new(&rules, ms) != VIGIL_OK)
        return VG_FT_COUNT;
    if (vg_matcher_scan(&rules, *ms, data, 1u, NULL, on_rule, &f) != VIGIL_OK)
        return VG_FT_COUNT;
    if (f.mhtml)
        return VG_FT_MHTML;
    /* The headers start after the newline most patterns begin with. */
    if (f.mail && f.mail_at < data.len && data.p[f.mail_at] == '\n')
        f.mail_at++;
    *mail_at = (size_t)f.mail_at;
    return f.mail ? VG_FT_MAIL : f.html ? VG_FT_HTML : VG_FT_COUNT;
}
