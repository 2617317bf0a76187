/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plots: a fan chart of stock per city x commodity and the shortage-
 * probability curves, drawn as SVG with PLplot.
 *
 * Each plot is drawn on a PLplot stream of its own (plmkstrm ... plend1),
 * so that no setting of one plot leaks into the next, and into memory:
 * PLplot closes the FILE given to plsfile() at plend1(), so it gets an
 * open_memstream() of ours rather than the publisher's file, and the bytes
 * are copied to the published file afterwards (cor_outfile_publish keeps
 * the publication atomic and sees any write error).
 *
 * PLplot's state is global: a mutex serializes the plots, and plend() at
 * the end of each call leaves nothing of PLplot allocated. Its svg driver
 * writes no date and no pointer, only numbers through printf, so the files
 * are byte-identical for the same results as long as the locale cannot
 * reach them: the drawing runs with the calling thread in the "C" locale
 * (uselocale), as the report writers do. The driver writes each character
 * of a text as a numeric reference (`&#x62;`); those are turned back into
 * UTF-8 on the way out, so that a file can be searched for a city's name.
 *
 * PLplot's fatal errors call exit(). The one a user could meet, a PLplot
 * without its svg driver, is checked with plgDevs() before plinit() (which
 * would otherwise ask for a device on stdin). Non-fatal errors (plabort)
 * are caught with plsError() and fail the file with COR_EIO. All drawn text
 * goes through text_new(), which doubles '#', PLplot's escape character, so
 * a label prints as written.
 *
 * The x axis is the day index of timeline.csv (a stock is read after the
 * day's consumption), labelled with month starts when the scenario has a
 * start date. Threat phases shade the background, darker for a higher
 * hazard factor, with their labels in a strip kept free above the data;
 * the scheduled closures of a segment on a route to the stock are bars in
 * the same strip. */
#include "plot.h"

#include <assert.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

#include "alloc.h"
#include "calendar.h"
#include "clocale.h"
#include "outfile.h"

/* ---- Page, palette and text ------------------------------------------ */

/* Page size in the svg driver's units (points); 16:9. */
#define PAGE_W 1024
#define PAGE_H 576
/* The plot area, in normalized page coordinates; the legend sits right. */
#define VP_X0 0.09
#define VP_X1 0.68
#define VP_Y0 0.10
#define VP_Y1 0.86
/* Character scale (of PLplot's default height) for ordinary text, and
 * for the strip of phase labels and closures (relative to TEXT_SCALE). */
#define TEXT_SCALE 0.78
#define STRIP_SCALE 0.85

enum {
    COL_BG,
    COL_FG,
    COL_MUTED,      /* subtitles, phase labels */
    COL_GRID,
    COL_BAND,       /* 5-95 % band */
    COL_MEDIAN,
    COL_MEAN,
    COL_DEMAND,
    COL_RATION,
    COL_CLOSED,
    COL_PHASE,      /* scratch: reset to each phase's tint before it is drawn */
    COL_PHASE_KEY,  /* the tint shown in the legend */
    COL_SERIES      /* NSERIES colours for the shortage curves, then */
                    /* NSERIES paler ones: palette_init() */
};
#define NSERIES 10

static const unsigned char palette[][3] = {
    [COL_BG] = {255, 255, 255},
    [COL_FG] = {34, 34, 34},
    [COL_MUTED] = {96, 96, 96},
    [COL_GRID] = {222, 222, 222},
    [COL_BAND] = {166, 200, 230},
    [COL_MEDIAN] = {16, 78, 139},
    [COL_MEAN] = {40, 40, 40},
    [COL_DEMAND] = {217, 95, 2},
    [COL_RATION] = {200, 30, 60},
    [COL_CLOSED] = {90, 90, 90},
    [COL_PHASE] = {255, 255, 255},
    [COL_PHASE_KEY] = {250, 215, 195},
    /* Ten hues that stay apart for most readers, in a fixed order. */
    [COL_SERIES + 0] = {31, 119, 180},
    [COL_SERIES + 1] = {214, 39, 40},
    [COL_SERIES + 2] = {44, 160, 44},
    [COL_SERIES + 3] = {255, 127, 14},
    [COL_SERIES + 4] = {148, 103, 189},
    [COL_SERIES + 5] = {140, 86, 75},
    [COL_SERIES + 6] = {227, 119, 194},
    [COL_SERIES + 7] = {23, 190, 207},
    [COL_SERIES + 8] = {127, 127, 127},
    [COL_SERIES + 9] = {188, 189, 34},
};
#define NCOLORS ((int)(sizeof palette / sizeof palette[0]) + NSERIES)

/* Loads the palette into the current stream's colour map 0. */
static void palette_init(void)
{
    plscmap0n(NCOLORS);
    for (int i = 0; i < NCOLORS - NSERIES; i++)
        plscol0(i, palette[i][0], palette[i][1], palette[i][2]);
    /* The pale series: 45 % of the colour over white. */
    for (int i = 0; i < NSERIES; i++) {
        const unsigned char *c = palette[COL_SERIES + i];
        int pale[3];
        for (int j = 0; j < 3; j++)
            pale[j] = 255 - (int)lround(0.45 * (255 - c[j]));
        plscol0(COL_SERIES + NSERIES + i, pale[0], pale[1], pale[2]);
    }
}

/* PLplot's predefined line styles (pllsty). */
enum { STYLE_SOLID = 1, STYLE_SHORT_DASH = 2, STYLE_LONG_DASH = 3 };

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The next character of a text made by text_new: a doubled '#' (one '#'
 * drawn) or one UTF-8 character. */
static const char *text_next(const char *p)
{
    if (p[0] == '#' && p[1] == '#')
        return p + 2;
    for (p++; ((unsigned char)*p & 0xC0) == 0x80; p++)
        ;
    return p;
}

/* Characters drawn for a text made by text_new. */
static size_t text_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s = text_next(s))
        n++;
    return n;
}

/* s cut to at most `max` drawn characters, the last an ellipsis when it was
 * longer, never inside a character or a doubled '#'; frees s and returns a
 * new string (or s itself). */
static char *text_clip(char *s, size_t max)
{
    if (max < 2 || text_chars(s) <= max)
        return s;
    const char *p = s;
    for (size_t n = 0; n + 1 < max; n++)
        p = text_next(p);
    size_t cut = (size_t)(p - s);
    char *t = cor_malloc(cut + 4);
    memcpy(t, s, cut);
    memcpy(t + cut, "\xE2\x80\xA6", 4); /* U+2026 and the terminator */
    free(s);
    return t;
}

/* PLplot keeps a text in a buffer of about 1,024 characters and writes past
 * it when a text is longer (a 1,000-character scenario name crashed the
 * plots); no text drawn here needs more than this. */
#define TEXT_MAX_CHARS 300

/* printf into a new string with every '#' doubled, ready for PLplot, and at
 * most TEXT_MAX_CHARS characters drawn; the caller frees it. */
static char *text_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text_new(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert(n >= 0);
    char *raw = cor_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(raw, (size_t)n + 1, fmt, ap);
    va_end(ap);
    size_t hashes = 0;
    for (const char *p = raw; *p; p++)
        hashes += *p == '#';
    char *s = cor_malloc((size_t)n + hashes + 1);
    char *q = s;
    for (const char *p = raw; *p; p++) {
        if (*p == '#')
            *q++ = '#';
        *q++ = *p;
    }
    *q = '\0';
    free(raw);
    return text_clip(s, TEXT_MAX_CHARS);
}

/* ---- Names ----------------------------------------------------------- */

static const char *city_name(const struct cor_scenario *s, int k)
{
    const struct cor_node *n = &s->nodes[s->cities[s->stocks[k].city].node];
    return n->name ? n->name : n->id;
}

static const char *city_id(const struct cor_scenario *s, int k)
{
    return s->nodes[s->cities[s->stocks[k].city].node].id;
}

static const char *commodity_id(const struct cor_scenario *s, int k)
{
    return s->commodities[s->stocks[k].commodity].id;
}

/* ---- Frame: the plot area and its scales ------------------------------ */

struct frame {
    double x0, x1, y0, y1; /* world window */
    double mm_w, mm_h;     /* plot area in mm */
    double char_mm;        /* character height of the strip's text, mm */
};

/* Sets the viewport and reads its size; the window comes later, once the
 * strip above the data has been laid out. */
static void frame_begin(struct frame *f, double x0, double x1)
{
    plvpor(VP_X0, VP_X1, VP_Y0, VP_Y1);
    PLFLT sx0, sx1, sy0, sy1, vx0, vx1, vy0, vy1, def, ht;
    plgspa(&sx0, &sx1, &sy0, &sy1);
    plgvpd(&vx0, &vx1, &vy0, &vy1);
    plgchr(&def, &ht);
    f->mm_w = (vx1 - vx0) * (sx1 - sx0);
    f->mm_h = (vy1 - vy0) * (sy1 - sy0);
    f->char_mm = ht * STRIP_SCALE;
    f->x0 = x0;
    f->x1 = x1;
}

/* Width of a character in mm, estimated: PLplot cannot measure the svg
 * driver's text. The driver's font size is 1.28 character heights, and a
 * glyph of a wide sans-serif font (DejaVu Sans, digits included) about
 * 0.6 of that; erring wide keeps labels apart. */
static double char_w_mm(double char_mm)
{
    return 0.77 * char_mm;
}

/* x extent of n characters, in world units. */
static double frame_text_w(const struct frame *f, size_t n)
{
    return (double)n * char_w_mm(f->char_mm) * (f->x1 - f->x0) / f->mm_w;
}

/* Height of one strip row in mm: 1.7 character heights. */
static double row_mm(const struct frame *f)
{
    return 1.7 * f->char_mm;
}

/* World y of the centre of strip row i (row 0 at the top, a third of a
 * row below the frame). */
static double frame_row_y(const struct frame *f, int i)
{
    double mm = (i + 0.35 + 0.5) * row_mm(f);
    return f->y1 - mm * (f->y1 - f->y0) / f->mm_h;
}

/* Sets the window: y from y0 to above `top`, leaving `rows` rows of strip
 * (and a margin above and below them) free above the highest data point,
 * which gets 4 % of headroom besides. */
static void frame_window(struct frame *f, double y0, double top, int rows)
{
    double strip = rows > 0 ? (rows + 0.7) * row_mm(f) : 0;
    double frac = strip / f->mm_h;
    if (frac > 0.6)
        frac = 0.6;
    double span = (top - y0) * 1.04 / (1 - frac);
    f->y0 = y0;
    f->y1 = y0 + span;
    plwind(f->x0, f->x1, f->y0, f->y1);
}

/* ---- Dates and the x axis -------------------------------------------- */


struct tick {
    double x;
    char *label; /* escaped for PLplot */
};

/* Ticks at month starts within [0, days) for a dated scenario, at most
 * about ten: every 1, 2, 3, 6 or 12 months (aligned on the calendar), or
 * every few years. Returns how many (0: no dates, or too few month starts
 * to make an axis; the caller numbers the days). */
static int month_ticks(const struct cor_scenario *s, int days, struct tick **out)
{
    *out = NULL;
    struct cor_date c = {s->start_year, s->start_month, s->start_day};
    if (!s->has_start_date || !cor__date_is_valid(c))
        return 0;
    /* Month starts in range: day index, year and month of each. */
    int cap = days / 28 + 2, n = 0;
    int *day = cor_malloc((size_t)cap * sizeof *day);
    int *year = cor_malloc((size_t)cap * sizeof *year);
    int *mon = cor_malloc((size_t)cap * sizeof *mon);
    long d = 0; /* day index of the month start c */
    if (c.d != 1) {
        d = cor__month_days(c.y, c.m) - c.d + 1;
        c = cor__date_add(c, d);
    }
    while (d < days && n < cap) {
        day[n] = (int)d;
        year[n] = c.y;
        mon[n] = c.m;
        n++;
        long len = cor__month_days(c.y, c.m);
        d += len;
        c = cor__date_add(c, len);
    }
    static const int steps[] = {1, 2, 3, 6, 12, 24, 60, 120};
    int step = 120;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int count = 0;
        for (int j = 0; j < n; j++)
            count += (year[j] * 12 + mon[j] - 1) % steps[i] == 0;
        if (count <= 10) {
            step = steps[i];
            break;
        }
    }
    int nt = 0;
    struct tick *t = cor_calloc((size_t)n + 1, sizeof *t);
    for (int j = 0; j < n; j++) {
        if ((year[j] * 12 + mon[j] - 1) % step != 0)
            continue;
        t[nt].x = day[j];
        if (step >= 12)
            t[nt].label = text_new("%d", year[j]);
        else if (nt == 0 || mon[j] == 1)
            t[nt].label = text_new("%s %d", month_abbr[mon[j] - 1], year[j]);
        else
            t[nt].label = text_new("%s", month_abbr[mon[j] - 1]);
        nt++;
    }
    free(day);
    free(year);
    free(mon);
    if (nt < 2) {
        for (int j = 0; j < nt; j++)
            free(t[j].label);
        free(t);
        return 0;
    }
    *out = t;
    return nt;
}

static void ticks_free(struct tick *t, int n)
{
    for (int i = 0; i < n; i++)
        free(t[i].label);
    free(t);
}

static void set_line(int col, double width, int style)
{
    plcol0(col);
    plwidth(width);
    pllsty(style);
}

/* Vertical grid lines at the date ticks, or at PLplot's day ticks. */
static void grid_x(const struct frame *f, const struct tick *t, int nt)
{
    set_line(COL_GRID, 0.6, STYLE_SOLID);
    if (nt == 0) {
        plbox("g", 0, 0, "", 0, 0);
        return;
    }
    for (int i = 0; i < nt; i++)
        pljoin(t[i].x, f->y0, t[i].x, f->y1);
}

/* Labels on the y axis: whole numbers from 10,000 on are grouped by
 * thousands with a thin space (U+2009), as SI writes them. */
static void label_y(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    (void)axis;
    (void)data;
    size_t size = (size_t)length;
    double a = fabs(value);
    if (a < 1e-9 || a != floor(a) || a >= 1e15) {
        snprintf(label, size, "%.6g", a < 1e-9 ? 0.0 : value);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", a);
    size_t nd = strlen(digits), pos = 0;
    if (value < 0 && pos + 1 < size)
        label[pos++] = '-';
    for (size_t i = 0; i < nd; i++) {
        if (nd > 4 && i > 0 && (nd - i) % 3 == 0 && pos + 4 < size) {
            memcpy(label + pos, "\xE2\x80\x89", 3); /* thin space */
            pos += 3;
        }
        if (pos + 1 < size)
            label[pos++] = digits[i];
    }
    label[pos < size ? pos : size - 1] = '\0';
}

/* Horizontal grid lines: PLplot's, or every ytick up to ytop. */
static void grid_y(const struct frame *f, double ytick, double ytop)
{
    set_line(COL_GRID, 0.6, STYLE_SOLID);
    if (ytick <= 0) {
        plbox("", 0, 0, "g", 0, 0);
        return;
    }
    for (int i = 0; f->y0 + i * ytick <= ytop + 1e-9 * ytick; i++)
        pljoin(f->x0, f->y0 + i * ytick, f->x1, f->y0 + i * ytick);
}

/* The frame, the y axis with numbers and the x axis with dates or days.
 * With ytick > 0 the y ticks are every ytick from y0 up to ytop only (a
 * probability axis has nothing to mark above 100 %); otherwise PLplot
 * places them. */
static void axes(const struct frame *f, const struct cor_scenario *s, const struct tick *t,
                 int nt, double ytick, double ytop, const char *ylabel)
{
    set_line(COL_FG, 0.8, STYLE_SOLID);
    plslabelfunc(label_y, NULL);
    plbox(nt ? "bc" : "bcnst", 0, 0, ytick > 0 ? "bc" : "bcnstvo", 0, 0);
    plslabelfunc(NULL, NULL);
    double xlen = 0.8 * f->char_mm * (f->x1 - f->x0) / f->mm_w;
    for (int i = 0; ytick > 0 && f->y0 + i * ytick <= ytop + 1e-9 * ytick; i++) {
        double y = f->y0 + i * ytick;
        pljoin(f->x0, y, f->x0 + xlen, y);
        pljoin(f->x1 - xlen, y, f->x1, y);
        char label[64];
        label_y(PL_Y_AXIS, y, label, sizeof label, NULL);
        plmtex("lv", 0.7, (y - f->y0) / (f->y1 - f->y0), 1.0, label);
    }
    if (nt) {
        double len = 0.8 * f->char_mm * (f->y1 - f->y0) / f->mm_h;
        for (int i = 0; i < nt; i++) {
            pljoin(t[i].x, f->y0, t[i].x, f->y0 + len);
            plmtex("b", 1.6, (t[i].x - f->x0) / (f->x1 - f->x0), 0.5, t[i].label);
        }
    } else {
        char *day = s->has_start_date
                        ? text_new("day (day 0 = %04d-%02d-%02d)", s->start_year,
                                   s->start_month, s->start_day)
                        : text_new("day");
        plmtex("b", 3.0, 0.5, 0.5, day);
        free(day);
    }
    plmtex("l", 6.0, 0.5, 0.5, ylabel);
}

/* Title (larger) and subtitle above the plot area, left-aligned. */
static void titles(const struct cor_results *r, const char *title)
{
    const struct cor_scenario *s = r->scenario;
    plcol0(COL_FG);
    plschr(0, TEXT_SCALE * 1.35);
    plmtex("t", 2.2, 0, 0, title);
    plschr(0, TEXT_SCALE * 0.9);
    plcol0(COL_MUTED);
    char *sub = text_new("%s \xC2\xB7 %ld replications \xC2\xB7 seed %llu \xC2\xB7 %d days",
                         s->name ? s->name : "scenario", r->replications,
                         (unsigned long long)r->seed, r->days);
    plmtex("t", 1.1, 0, 0, sub);
    free(sub);
    plschr(0, TEXT_SCALE);
}

/* ---- The strip above the data: closures and phase labels -------------- */

/* One item of the strip: a bar with its text (closures) or a text alone
 * (phases). */
struct strip_item {
    double lo, hi;   /* the x extent it takes, text included */
    double xa, xb;   /* the bar (closures only) */
    double tx;       /* where the text starts */
    bool inside;     /* the text is on the bar */
    char *text;
    int row;         /* -1: no room, not drawn */
};

/* Puts each item in the first row (from `first`, at most `rows` of them)
 * where it starts after the end of everything already there. Items come
 * sorted by lo. Returns the rows used. */
static int strip_layout(struct strip_item *it, int n, int first, int rows)
{
    double end[4];
    assert(rows <= 4);
    for (int i = 0; i < rows; i++)
        end[i] = -INFINITY;
    int used = 0;
    for (int i = 0; i < n; i++) {
        it[i].row = -1;
        for (int j = 0; j < rows; j++)
            if (it[i].lo >= end[j]) {
                it[i].row = first + j;
                end[j] = it[i].hi;
                if (j + 1 > used)
                    used = j + 1;
                break;
            }
    }
    return used;
}

static void strip_free(struct strip_item *it, int n)
{
    for (int i = 0; i < n; i++)
        free(it[i].text);
    free(it);
}

/* Tint of a phase: white blended towards a warm red, more for a higher
 * hazard factor, saturating (factor 1 is the calibrated baseline). */
static void phase_tint(double factor, int rgb[3])
{
    static const int warm[3] = {220, 70, 30};
    double t = factor > 0 && isfinite(factor) ? factor / (factor + 0.6) : 0;
    double a = 0.32 * t;
    for (int i = 0; i < 3; i++)
        rgb[i] = (int)lround(255 - a * (255 - warm[i]));
}

/* The phases' labels ("blockade x1.2") as strip items, in order. */
static struct strip_item *phase_items(const struct frame *f, const struct cor_scenario *s,
                                      int *n)
{
    struct strip_item *it = cor_calloc((size_t)s->nphases + 1, sizeof *it);
    int m = 0;
    for (int i = 0; i < s->nphases; i++) {
        const struct cor_phase *p = &s->phases[i];
        double to = i + 1 < s->nphases ? s->phases[i + 1].from_day : INFINITY;
        if (p->from_day >= f->x1 || to <= f->x0)
            continue;
        char *text = p->label ? text_new("%s \xC3\x97%g", p->label, p->hazard_factor)
                              : text_new("\xC3\x97%g", p->hazard_factor);
        double w = frame_text_w(f, text_chars(text)), pad = 0.004 * (f->x1 - f->x0);
        /* At the phase's start, or as far right as the plot area allows. */
        double xa = fmax(f->x0, fmin(fmax(p->from_day, f->x0), f->x1 - w - pad) + pad);
        it[m] = (struct strip_item){.lo = xa, .hi = xa + w, .tx = xa, .text = text,
                                    .row = -1};
        m++;
    }
    *n = m;
    return it;
}

/* Whether segment `seg` is on a route of a flow that delivers to stock k. */
static bool segment_feeds(const struct cor_scenario *s, int seg, int k)
{
    for (int i = 0; i < s->nflows; i++) {
        const struct cor_flow *fl = &s->flows[i];
        if (fl->stock != k)
            continue;
        for (int j = 0; j < fl->nroutes; j++)
            for (int l = 0; l + 1 < fl->routes[j].nnodes; l++)
                if (fl->routes[j].legs[l].segment == seg)
                    return true;
    }
    return false;
}

static int item_cmp(const void *a, const void *b)
{
    const struct strip_item *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return strcmp(x->text, y->text); /* a total order: qsort is not stable */
}

/* The scheduled closures of segments on a route to stock k, as bars. */
static struct strip_item *closure_items(const struct frame *f, const struct cor_scenario *s,
                                        int k, int *n)
{
    struct strip_item *it = cor_calloc((size_t)s->nclosures + 1, sizeof *it);
    int m = 0;
    for (int i = 0; i < s->nclosures; i++) {
        const struct cor_closure *c = &s->closures[i];
        if (c->random || c->to_day <= f->x0 || c->from_day >= f->x1 ||
            !segment_feeds(s, c->segment, k))
            continue;
        const char *name = c->label ? c->label : s->segments[c->segment].id;
        char *text = text_new("closed: %s", name);
        double xa = fmax(c->from_day, f->x0), xb = fmin(c->to_day, f->x1);
        double w = frame_text_w(f, text_chars(text));
        double pad = 0.006 * (f->x1 - f->x0);
        struct strip_item *e = &it[m++];
        *e = (struct strip_item){.lo = xa, .hi = xb, .xa = xa, .xb = xb, .text = text,
                                 .row = -1};
        /* The text on the bar when it fits, else after it, else before it
         * (else after it all the same, cut by the frame). */
        if (xb - xa >= w + 2 * pad) {
            e->tx = xa + pad;
            e->inside = true;
        } else if (xb + pad + w <= f->x1 || xa - pad - w < f->x0) {
            e->tx = xb + pad;
            e->hi = fmin(e->tx + w, f->x1);
        } else {
            e->tx = xa - pad - w;
            e->lo = e->tx;
        }
    }
    qsort(it, (size_t)m, sizeof *it, item_cmp);
    *n = m;
    return it;
}

/* Phase shading over the whole height of the plot area. */
static void draw_phases(const struct frame *f, const struct cor_scenario *s)
{
    for (int i = 0; i < s->nphases; i++) {
        const struct cor_phase *p = &s->phases[i];
        double to = i + 1 < s->nphases ? s->phases[i + 1].from_day : INFINITY;
        double xa = fmax(p->from_day, f->x0), xb = fmin(to, f->x1);
        if (xb <= xa)
            continue;
        int rgb[3];
        phase_tint(p->hazard_factor, rgb);
        plscol0(COL_PHASE, rgb[0], rgb[1], rgb[2]);
        plcol0(COL_PHASE);
        PLFLT x[4] = {xa, xb, xb, xa}, y[4] = {f->y0, f->y0, f->y1, f->y1};
        plfill(4, x, y);
        /* A hairline at each start, so that two phases alike in hazard
         * still show where one ends. */
        if (p->from_day > f->x0) {
            phase_tint(p->hazard_factor + 1.5, rgb);
            plscol0(COL_PHASE, rgb[0], rgb[1], rgb[2]);
            set_line(COL_PHASE, 0.6, STYLE_SOLID);
            pljoin(xa, f->y0, xa, f->y1);
        }
    }
}

static void draw_strip(const struct frame *f, const struct strip_item *it, int n, bool bars)
{
    plschr(0, TEXT_SCALE * STRIP_SCALE);
    double h = 0.78 * row_mm(f) * (f->y1 - f->y0) / f->mm_h; /* bar height */
    for (int i = 0; i < n; i++) {
        if (it[i].row < 0)
            continue;
        double yc = frame_row_y(f, it[i].row);
        if (bars) {
            plcol0(COL_CLOSED);
            PLFLT x[4] = {it[i].xa, it[i].xb, it[i].xb, it[i].xa};
            PLFLT y[4] = {yc - h / 2, yc - h / 2, yc + h / 2, yc + h / 2};
            plfill(4, x, y);
            plcol0(it[i].inside ? COL_BG : COL_FG);
        } else {
            plcol0(COL_MUTED);
        }
        plptex(it[i].tx, yc, 1, 0, 0, it[i].text);
    }
    plschr(0, TEXT_SCALE);
}

/* ---- Series ---------------------------------------------------------- */

/* The next run [*a, *b) from *b on where u (and v, if given) are finite;
 * false when there is none. */
static bool next_run(int n, const double *u, const double *v, int *a, int *b)
{
    int i = *b;
    while (i < n && !(isfinite(u[i]) && (!v || isfinite(v[i]))))
        i++;
    if (i >= n)
        return false;
    int j = i;
    while (j < n && isfinite(u[j]) && (!v || isfinite(v[j])))
        j++;
    *a = i;
    *b = j;
    return true;
}

/* A line through the finite points of y; a lone point becomes a short
 * horizontal dash so that it still shows. */
static void draw_series(int n, const double *x, const double *y)
{
    int a = 0, b = 0;
    while (next_run(n, y, NULL, &a, &b)) {
        if (b - a == 1) {
            pljoin(x[a] - 0.25, y[a], x[a] + 0.25, y[a]);
            continue;
        }
        plline(b - a, x + a, y + a);
    }
}

/* The band between lo and hi, one polygon per finite run. */
static void draw_band(int n, const double *x, const double *lo, const double *hi)
{
    int a = 0, b = 0;
    while (next_run(n, lo, hi, &a, &b)) {
        int m = b - a;
        PLFLT *px = cor_malloc((size_t)(2 * m + 2) * sizeof *px);
        PLFLT *py = cor_malloc((size_t)(2 * m + 2) * sizeof *py);
        int np = 0;
        if (m == 1) { /* a lone day: a narrow box */
            double xs[2] = {x[a] - 0.25, x[a] + 0.25};
            px[0] = xs[0], py[0] = lo[a];
            px[1] = xs[1], py[1] = lo[a];
            px[2] = xs[1], py[2] = hi[a];
            px[3] = xs[0], py[3] = hi[a];
            np = 4;
        } else {
            for (int i = a; i < b; i++, np++)
                px[np] = x[i], py[np] = hi[i];
            for (int i = b - 1; i >= a; i--, np++)
                px[np] = x[i], py[np] = lo[i];
        }
        plfill(np, px, py);
        free(px);
        free(py);
    }
}

static double max_finite(double m, int n, const double *y)
{
    for (int i = 0; i < n; i++)
        if (isfinite(y[i]) && y[i] > m)
            m = y[i];
    return m;
}

static double min_finite(double m, int n, const double *y)
{
    for (int i = 0; i < n; i++)
        if (isfinite(y[i]) && y[i] < m)
            m = y[i];
    return m;
}

/* Horizontal extent of the x axis: day 0 to the last day. */
static double x_end(const struct cor_results *r)
{
    return r->days > 1 ? r->days - 1 : 1;
}

/* ---- Legend ---------------------------------------------------------- */

/* Drawn by hand in its own viewport right of the plot area rather than
 * with pllegend(): PLplot cannot measure the svg driver's text, so its
 * legend box has the wrong size and lands in the wrong place. */

enum legend_kind { KEY_BOX, KEY_LINE, KEY_NOTE };

struct legend_entry {
    enum legend_kind kind;
    int col;
    double width;
    int style;
    char *text; /* owned */
};

struct legend {
    struct legend_entry e[32];
    int n;
};

/* Adds an entry; the legend takes `text` (from text_new). */
static void legend_add(struct legend *l, enum legend_kind kind, int col, double width,
                       int style, char *text)
{
    assert(l->n < (int)(sizeof l->e / sizeof l->e[0]));
    l->e[l->n++] = (struct legend_entry){kind, col, width, style, text};
}

static void legend_draw(struct legend *l)
{
    if (l->n == 0)
        return;
    plvpor(VP_X1 + 0.025, 0.995, VP_Y0, VP_Y1);
    plwind(0, 1, 0, 1);
    plschr(0, TEXT_SCALE * 0.8);
    PLFLT sx0, sx1, sy0, sy1, vx0, vx1, vy0, vy1, def, ht;
    plgspa(&sx0, &sx1, &sy0, &sy1);
    plgvpd(&vx0, &vx1, &vy0, &vy1);
    plgchr(&def, &ht);
    double w_mm = (vx1 - vx0) * (sx1 - sx0), h_mm = (vy1 - vy0) * (sy1 - sy0);
    /* Rows 1.9 character heights apart; keys 3.6 wide, then a gap of 1. */
    double row = 1.9 * ht / h_mm, key = 3.6 * ht / w_mm;
    double text_x = key + 1.0 * ht / w_mm;
    size_t max_chars = (size_t)((1 - text_x) * w_mm / char_w_mm(ht));
    for (int i = 0; i < l->n; i++) {
        struct legend_entry *e = &l->e[i];
        double y = 1 - (i + 0.5) * row;
        if (e->kind == KEY_BOX) {
            plcol0(e->col);
            PLFLT x[4] = {0, key, key, 0};
            PLFLT yy[4] = {y - 0.33 * row, y - 0.33 * row, y + 0.33 * row, y + 0.33 * row};
            plfill(4, x, yy);
        } else if (e->kind == KEY_LINE) {
            set_line(e->col, e->width, e->style);
            pljoin(0, y, key, y);
            pllsty(STYLE_SOLID);
        }
        e->text = text_clip(e->text, max_chars);
        plcol0(e->kind == KEY_NOTE ? COL_MUTED : COL_FG);
        plptex(e->kind == KEY_NOTE ? 0 : text_x, y, 1, 0, 0, e->text);
    }
    plschr(0, TEXT_SCALE);
    for (int i = 0; i < l->n; i++)
        free(l->e[i].text);
    l->n = 0;
}

/* ---- The fan chart --------------------------------------------------- */

struct plot_job {
    const struct cor_results *r;
    int stock;              /* fan chart of this stock; -1: shortage curves */
    char *error;            /* ERROR_SIZE bytes: why PLplot failed, or "" */
};
#define ERROR_SIZE 1024

static void draw_fan(const struct plot_job *job)
{
    const struct cor_results *r = job->r;
    const struct cor_scenario *s = r->scenario;
    int k = job->stock, n = r->days;
    const struct cor_stock *st = &s->stocks[k];
    PLFLT *x = cor_malloc((size_t)(n + 1) * sizeof *x);
    PLFLT *lo = cor_malloc((size_t)(n + 1) * sizeof *lo);
    PLFLT *med = cor_malloc((size_t)(n + 1) * sizeof *med);
    PLFLT *hi = cor_malloc((size_t)(n + 1) * sizeof *hi);
    PLFLT *mean = cor_malloc((size_t)(n + 1) * sizeof *mean);
    for (int d = 0; d < n; d++) {
        const struct cor_day_result *dr = cor_results_day(r, d, k);
        x[d] = d;
        lo[d] = dr->stock_p05;
        med[d] = dr->stock_p50;
        hi[d] = dr->stock_p95;
        mean[d] = dr->stock_mean;
    }
    double ration = st->has_ration ? st->ration_below_days * st->demand : 0;
    double top = fmax(st->demand, ration);
    top = max_finite(top, n, hi);
    top = max_finite(top, n, med);
    top = max_finite(top, n, mean);
    double bottom = fmin(0, min_finite(0, n, lo));
    if (!(top > bottom))
        top = bottom + 1;

    struct frame f;
    frame_begin(&f, 0, x_end(r));
    int nc, np;
    struct strip_item *closed = closure_items(&f, s, k, &nc);
    struct strip_item *phase = phase_items(&f, s, &np);
    int rows_c = strip_layout(closed, nc, 0, 2);
    int rows_p = strip_layout(phase, np, rows_c, 3);
    frame_window(&f, bottom, top, rows_c + rows_p);
    struct tick *ticks;
    int nt = month_ticks(s, n, &ticks);

    draw_phases(&f, s);
    grid_x(&f, ticks, nt);
    grid_y(&f, 0, 0);
    plcol0(COL_BAND);
    draw_band(n, x, lo, hi);
    set_line(COL_MEAN, 0.9, STYLE_SOLID);
    draw_series(n, x, mean);
    set_line(COL_MEDIAN, 2.4, STYLE_SOLID);
    draw_series(n, x, med);
    if (st->demand > 0) {
        set_line(COL_DEMAND, 1.4, STYLE_LONG_DASH);
        pljoin(f.x0, st->demand, f.x1, st->demand);
    }
    if (ration > 0) {
        set_line(COL_RATION, 1.4, STYLE_SHORT_DASH);
        pljoin(f.x0, ration, f.x1, ration);
    }
    pllsty(STYLE_SOLID);
    draw_strip(&f, closed, nc, true);
    draw_strip(&f, phase, np, false);

    const char *unit = s->commodities[st->commodity].unit;
    char *ylabel = text_new("stock (%s)", unit ? unit : "unit");
    axes(&f, s, ticks, nt, 0, 0, ylabel);
    char *title = text_new("%s \xE2\x80\x94 %s: stock (median, 5\xE2\x80\x93" "95 %%)",
                           city_name(s, k), commodity_id(s, k));
    titles(r, title);

    struct legend l = {0};
    const char *u = unit ? unit : "";
    legend_add(&l, KEY_BOX, COL_BAND, 0, 0,
               text_new("5\xE2\x80\x93" "95 %% of replications"));
    legend_add(&l, KEY_LINE, COL_MEDIAN, 2.4, STYLE_SOLID, text_new("median"));
    legend_add(&l, KEY_LINE, COL_MEAN, 0.9, STYLE_SOLID, text_new("mean"));
    if (st->demand > 0)
        legend_add(&l, KEY_LINE, COL_DEMAND, 1.4, STYLE_LONG_DASH,
                   text_new("1 day of demand (%.10g %s)", st->demand, u));
    if (ration > 0)
        legend_add(&l, KEY_LINE, COL_RATION, 1.4, STYLE_SHORT_DASH,
                   text_new("rationing: < %g days (%.10g %s)", st->ration_below_days,
                            ration, u));
    if (np > 0) {
        legend_add(&l, KEY_BOX, COL_PHASE_KEY, 0, 0,
                   text_new("threat phase \xC3\x97hazard factor"));
        legend_add(&l, KEY_NOTE, 0, 0, 0, text_new("darker: more dangerous"));
    }
    if (nc > 0)
        legend_add(&l, KEY_BOX, COL_CLOSED, 0, 0, text_new("scheduled road closure"));
    legend_draw(&l);

    free(title);
    free(ylabel);
    ticks_free(ticks, nt);
    strip_free(closed, nc);
    strip_free(phase, np);
    free(x);
    free(lo);
    free(med);
    free(hi);
    free(mean);
}

/* ---- The shortage curves --------------------------------------------- */

/* More curves than this and the legend lists only the likeliest. */
#define SHORT_LEGEND_MAX 20

struct ranked {
    double p; /* final probability of a shortage; -1 when unknown */
    int k;    /* stock */
};

/* By decreasing final probability, then by stock index: a total order, so
 * that qsort (not stable) gives one result. */
static int ranked_cmp(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->p != y->p)
        return x->p > y->p ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

static void draw_shortage(const struct plot_job *job)
{
    const struct cor_results *r = job->r;
    const struct cor_scenario *s = r->scenario;
    int n = r->days, ns = s->nstocks;
    PLFLT *x = cor_malloc((size_t)(n + 1) * sizeof *x);
    PLFLT *by = cor_malloc((size_t)(n + 1) * sizeof *by);
    PLFLT *day = cor_malloc((size_t)(n + 1) * sizeof *day);
    for (int d = 0; d < n; d++)
        x[d] = d;

    struct frame f;
    frame_begin(&f, 0, x_end(r));
    int np;
    struct strip_item *phase = phase_items(&f, s, &np);
    int rows = strip_layout(phase, np, 0, 3);
    frame_window(&f, 0, 100, rows);
    struct tick *ticks;
    int nt = month_ticks(s, n, &ticks);

    draw_phases(&f, s);
    grid_x(&f, ticks, nt);
    grid_y(&f, 20, 100);
    draw_strip(&f, phase, np, false);

    /* Drawn in legend order, so that the likeliest lie on top. */
    struct ranked *rank = cor_malloc((size_t)(ns + 1) * sizeof *rank);
    int *order = cor_malloc((size_t)(ns + 1) * sizeof *order);
    for (int k = 0; k < ns; k++) {
        double p = n > 0 ? cor_results_day(r, n - 1, k)->p_short_by : -1;
        rank[k] = (struct ranked){isfinite(p) ? p : -1, k};
    }
    qsort(rank, (size_t)ns, sizeof *rank, ranked_cmp);
    for (int i = 0; i < ns; i++)
        order[i] = rank[i].k;
    free(rank);
    bool pale = ns <= NSERIES; /* beyond, the daily curves would only clutter */
    for (int i = ns - 1; i >= 0; i--) {
        int k = order[i];
        for (int d = 0; d < n; d++) {
            by[d] = 100 * cor_results_day(r, d, k)->p_short_by;
            day[d] = 100 * cor_results_day(r, d, k)->p_short;
        }
        int col = COL_SERIES + i % NSERIES;
        if (pale) {
            set_line(col + NSERIES, 1.0, STYLE_SOLID);
            draw_series(n, x, day);
        }
        set_line(col, 2.2, STYLE_SOLID);
        draw_series(n, x, by);
    }
    axes(&f, s, ticks, nt, 20, 100, "probability (%)");
    char *title = text_new("Probability of a shortage, by day");
    titles(r, title);

    struct legend l = {0};
    int shown = ns <= SHORT_LEGEND_MAX ? ns : SHORT_LEGEND_MAX - 1;
    for (int i = 0; i < shown; i++) {
        int k = order[i];
        double p = n > 0 ? cor_results_day(r, n - 1, k)->p_short_by : 0;
        legend_add(&l, KEY_LINE, COL_SERIES + i % NSERIES, 2.2, STYLE_SOLID,
                   text_new("%s %s: %.0f %%", city_name(s, k), commodity_id(s, k),
                            isfinite(p) ? 100 * p : 0));
    }
    if (shown < ns)
        legend_add(&l, KEY_NOTE, 0, 0, 0, text_new("\xE2\x80\xA6 and %d more", ns - shown));
    legend_add(&l, KEY_NOTE, 0, 0, 0, text_new("thick: short by that day"));
    if (pale)
        legend_add(&l, KEY_NOTE, 0, 0, 0, text_new("thin, pale: short on that day"));
    legend_draw(&l);

    free(title);
    free(order);
    ticks_free(ticks, nt);
    strip_free(phase, np);
    free(x);
    free(by);
    free(day);
}

/* ---- Rendering and publication --------------------------------------- */

/* One lock for every PLplot call in the process, held by
 * cor_plot_write_dir() for all its files. */
static pthread_mutex_t plot_lock = PTHREAD_MUTEX_INITIALIZER;

/* Whether this PLplot has the svg driver: plinit() on a missing device
 * prompts on stdin and may exit the process. Called under plot_lock. */
static bool have_svg(void)
{
    enum { CAP = 128 };
    const char *menu[CAP], *names[CAP];
    const char **pm = menu, **pn = names;
    int n = CAP;
    plgDevs(&pm, &pn, &n);
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], "svg") == 0)
            return true;
    return false;
}

/* Draws the job's plot with PLplot into *buf (malloc'd, *len bytes).
 * Returns false with job->error set when PLplot could not. Called under
 * plot_lock, in the "C" locale. */
static bool render(const struct plot_job *job, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    if (!have_svg()) {
        snprintf(job->error, ERROR_SIZE, "PLplot has no svg driver");
        return false;
    }
    FILE *mem = open_memstream(buf, len);
    if (!mem) {
        snprintf(job->error, ERROR_SIZE, "%s", strerror(errno));
        return false;
    }
    PLINT prev, strm, code = 0;
    char msg[1024] = "";
    plgstrm(&prev);
    plmkstrm(&strm);
    plsError(&code, msg);
    plsdev("svg");
    plsfile(mem); /* PLplot closes it at plend1() */
    plspage(0, 0, PAGE_W, PAGE_H, 0, 0);
    palette_init();
    plinit();
    pladv(0);
    plschr(0, TEXT_SCALE);
    plsyax(12, 0); /* write tick numbers out, never as x10^n */
    if (job->stock >= 0)
        draw_fan(job);
    else
        draw_shortage(job);
    plend1();
    plsstrm(prev);
    if (code != 0) {
        /* PLplot's message starts with a newline and ends with one. */
        char *m = msg;
        while (*m == '\n')
            m++;
        size_t ml = strlen(m);
        while (ml > 0 && m[ml - 1] == '\n')
            m[--ml] = '\0';
        /* Bounded so the compiler can see it fits (a longer message is cut). */
        snprintf(job->error, ERROR_SIZE, "PLplot: %.1000s", *m ? m : "error");
        free(*buf);
        *buf = NULL;
        return false;
    }
    return true;
}

/* Decodes `&#xH...;` at p (n bytes left) into *cp; returns its length, or
 * 0 when p holds no such reference. */
static size_t char_ref(const char *p, size_t n, unsigned long *cp)
{
    if (n < 5 || p[0] != '&' || p[1] != '#' || p[2] != 'x')
        return 0;
    unsigned long v = 0;
    size_t i = 3;
    for (; i < n && i < 12; i++) {
        char c = p[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            break;
        v = v * 16 + (unsigned long)digit;
    }
    if (i == 3 || i >= n || p[i] != ';')
        return 0;
    *cp = v;
    return i + 1;
}

static void put_utf8(FILE *out, unsigned long cp)
{
    if (cp < 0x80) {
        putc((int)cp, out);
    } else if (cp < 0x800) {
        putc((int)(0xC0 | (cp >> 6)), out);
        putc((int)(0x80 | (cp & 0x3F)), out);
    } else if (cp < 0x10000) {
        putc((int)(0xE0 | (cp >> 12)), out);
        putc((int)(0x80 | ((cp >> 6) & 0x3F)), out);
        putc((int)(0x80 | (cp & 0x3F)), out);
    } else {
        putc((int)(0xF0 | (cp >> 18)), out);
        putc((int)(0x80 | ((cp >> 12) & 0x3F)), out);
        putc((int)(0x80 | ((cp >> 6) & 0x3F)), out);
        putc((int)(0x80 | (cp & 0x3F)), out);
    }
}

/* Whether code point cp is one of the five characters XML reserves. A
 * comparison of the whole code point: strchr would take its low byte
 * alone, and so keep U+0627 (Arabic alif, whose low byte is that of the
 * apostrophe) a reference. */
static bool xml_reserved(unsigned long cp)
{
    return cp == '<' || cp == '>' || cp == '&' || cp == '"' || cp == '\'';
}

/* Copies the driver's SVG to out, with its character references written
 * as UTF-8 again; the five characters XML reserves, control characters
 * and anything that is not a Unicode scalar stay references. */
static void put_svg(FILE *out, const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned long cp;
        size_t used = buf[i] == '&' ? char_ref(buf + i, len - i, &cp) : 0;
        if (used && cp >= 0x20 && cp != 0x7F && cp <= 0x10FFFF &&
            !(cp >= 0xD800 && cp <= 0xDFFF) && !xml_reserved(cp)) {
            put_utf8(out, cp);
            i += used;
        } else {
            putc(buf[i], out);
            i++;
        }
    }
}

/* The writer given to cor_outfile_publish. */
static enum cor_status plot_file(FILE *out, const void *ctx)
{
    const struct plot_job *job = ctx;
    char *buf;
    size_t len;
    bool ok;

    locale_t c = cor__c_locale();
    if (c == (locale_t)0) {
        snprintf(job->error, ERROR_SIZE, "cannot switch to the C locale");
        ok = false;
    } else {
        locale_t saved = uselocale(c);
        ok = render(job, &buf, &len);
        uselocale(saved);
    }
    if (!ok) {
        errno = EIO; /* the publisher's reason: PLplot's own is added below */
        return COR_EIO;
    }
    put_svg(out, buf, len);
    free(buf);
    if (fflush(out) != 0 || ferror(out))
        return COR_EIO;
    return COR_OK;
}

/* Publishes one plot as dir/name; adds PLplot's message to diag when it
 * was PLplot that failed. */
static enum cor_status publish(const char *dir, const char *name, struct plot_job *job,
                               struct cor_diag *diag)
{
    char *path = cor_outfile_path(dir, name);
    job->error[0] = '\0';
    enum cor_status st = cor_outfile_publish(path, plot_file, job, diag);
    if (st != COR_OK && job->error[0])
        cor_diag_add(diag, NULL, 0, 0, "cannot plot %s: %s", path, job->error);
    free(path);
    return st;
}

/* The longest file name the usual file systems take (NAME_MAX). */
#define FILE_NAME_MAX 255

/* The fan chart files, one per stock (free with free_names): normally
 * fan-CITY-COMMODITY.svg, but fan-CITY.COMMODITY.svg for stocks whose
 * normal name another stock's would repeat, as with city a-b and commodity
 * c against city a and commodity b-c. Ids are letters, digits, '-', '_'
 * and non-ASCII characters (the loader checks), so they make file names as
 * they are, and a dot never occurs in them: the dotted names cannot collide
 * with anything. Two ids of up to 128 bytes each can make a name too long
 * for a file: that stock's chart is fan-N.svg instead, N its place among
 * the stocks (from 1), which no other name can be (those hold a '-' or a
 * '.' between two ids). */
static char *fan_name(const struct cor_scenario *s, int k, char sep)
{
    size_t size = strlen(city_id(s, k)) + strlen(commodity_id(s, k)) + 16;
    char *name = cor_malloc(size);
    snprintf(name, size, "fan-%s%c%s.svg", city_id(s, k), sep, commodity_id(s, k));
    if (strlen(name) > FILE_NAME_MAX)
        snprintf(name, size, "fan-%d.svg", k + 1);
    return name;
}

static char **fan_names(const struct cor_scenario *s)
{
    int n = s->nstocks;
    char **names = cor_calloc((size_t)n + 1, sizeof *names);
    bool *clash = cor_calloc((size_t)n + 1, sizeof *clash);
    for (int k = 0; k < n; k++)
        names[k] = fan_name(s, k, '-');
    for (int k = 0; k < n; k++)
        for (int j = k + 1; j < n; j++)
            if (strcmp(names[k], names[j]) == 0)
                clash[k] = clash[j] = true;
    for (int k = 0; k < n; k++)
        if (clash[k]) {
            free(names[k]);
            names[k] = fan_name(s, k, '.');
        }
    free(clash);
    return names;
}

static void free_names(char **names, int n)
{
    for (int k = 0; k < n; k++)
        free(names[k]);
    free(names);
}

enum cor_status cor_plot_write_dir(const char *dir, const struct cor_results *r,
                                   struct cor_diag *diag)
{
    const struct cor_scenario *s = r->scenario;
    assert(r->days == 0 || s->nstocks == 0 || r->timeline);
    if (cor_outfile_mkdir(dir, diag) != COR_OK)
        return COR_EIO;
    struct plot_job *job = cor_calloc(1, sizeof *job);
    job->r = r;
    job->error = cor_malloc(ERROR_SIZE);
    enum cor_status st = COR_OK;
    pthread_mutex_lock(&plot_lock);
    char **names = fan_names(s);
    for (int k = 0; k < s->nstocks && st == COR_OK; k++) {
        job->stock = k;
        st = publish(dir, names[k], job, diag);
    }
    free_names(names, s->nstocks);
    if (st == COR_OK) {
        job->stock = -1;
        st = publish(dir, "shortage.svg", job, diag);
    }
    /* corridor is PLplot's only user in the process: plend() also unloads
     * the driver and frees PLplot's device table, so that nothing of it
     * stays allocated (the next call loads them again, in microseconds). */
    plend();
    pthread_mutex_unlock(&plot_lock);
    free(job->error);
    free(job);
    return st == COR_OK ? COR_OK : COR_EIO;
}
