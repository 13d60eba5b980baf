// SPDX-License-Identifier: GPL-2.0-or-later
// retype.c: on-the-fly re-typing: ClamAV's HTML and mail type patterns,
// searched over a whole text (or GIF) object with the body matcher.
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
    enum vg_ftype want_mail; /* MAIL counts only for text objects */
    bool html, mail;
    uint64_t mail_at; /* where the mail headers start */
};

static int on_rule(void *cookie, uint32_t owner, uint64_t start, uint64_t end)
{
    struct found *f = cookie;
    (void)end;
    if (owner == VG_FT_MAIL && f->want_mail == VG_FT_MAIL) {
        f->mail = true;
        f->mail_at = start;
    } else if (owner == VG_FT_HTML)
        f->html = true;
    return f->mail; /* mail outranks HTML: nothing more to learn */
}

enum vg_ftype vg_retype_on_the_fly(struct vg_match_scratch **ms,
                                   enum vg_ftype t, struct vigil_span data,
                                   size_t *mail_at)
{
    struct found f = {VG_FT_COUNT, false, false, 0};
    if (t != VG_FT_TEXT_ASCII && t != VG_FT_GIF)
        return VG_FT_COUNT;
    /* Typing already searched the first window for these patterns. */
    if (data.len <= VG_FT_MAGIC_WINDOW)
        return VG_FT_COUNT;
    pthread_once(&rules_once, build_rules);
    if (rules_status != VIGIL_OK)
        return VG_FT_COUNT;
    if (!*ms && vg_match_scratch_new(&rules, ms) != VIGIL_OK)
        return VG_FT_COUNT;
    if (t == VG_FT_TEXT_ASCII)
        f.want_mail = VG_FT_MAIL;
    if (vg_matcher_scan(&rules, *ms, data, 1u, NULL, on_rule, &f) != VIGIL_OK)
        return VG_FT_COUNT;
    /* The headers start after the newline most patterns begin with. */
    if (f.mail && f.mail_at < data.len && data.p[f.mail_at] == '\n')
        f.mail_at++;
    *mail_at = (size_t)f.mail_at;
    return f.mail ? VG_FT_MAIL : f.html ? VG_FT_HTML : VG_FT_COUNT;
}
