/* test_vi_lines.c — the Vi JSONL line parser: the guide's hand-written lines,
 * the canonical §12.2 lines, exported superset lines, and each §12.4 rejection. */
#include <string.h>

#include "check.h"
#include "dialects/vi/vi_lines.h"

static int parse(const char *text, vi_type type, vi_line *l, char *err)
{
    return vi_lines_parse(text, strlen(text), type, l, err, 300);
}

static void expect_bad(const char *text, vi_type type, const char *needle)
{
    vi_line l;
    char err[300] = "";
    int rc = parse(text, type, &l, err);
    CHECK_EQ_INT(rc, -1);
    if (rc == -1 && !strstr(err, needle))
        fprintf(stderr, "    reason '%s' lacks '%s' for %s\n", err, needle, text);
    CHECK(rc == -1 && strstr(err, needle) != NULL);
    vi_lines_free(&l);
}

int main(void)
{
    vi_line l;
    char err[300];

    /* The guide's phrase grounding line: spans found in the caption. */
    CHECK_EQ_INT(parse("{\"asset_id\":\"asset_123\",\"caption\":\"A cat sitting on a couch\",\"grounded_phrases\":"
                       "[{\"phrase\":\"cat\",\"bbox\":[0.1,0.2,0.5,0.7]},{\"phrase\":\"Couch\",\"bbox\":[0.6,0.2,0.9,0.7]},"
                       "{\"phrase\":\"dog\",\"bbox\":[0,0,1,1]}]}",
                       VI_TYPE_PHRASE_GROUNDING, &l, err),
                 0);
    CHECK_EQ_STR(l.asset_id, "asset_123");
    CHECK_EQ_INT(l.nboxes, 3);
    CHECK_EQ_INT(l.boxes[0].start, 2);
    CHECK_EQ_INT(l.boxes[0].end, 5);
    CHECK_EQ_INT(l.boxes[1].start, 19);
    CHECK_EQ_INT(l.boxes[1].end, 24);
    CHECK_EQ_INT(l.boxes[2].start, 0);
    CHECK_EQ_INT(l.boxes[2].end, 0);
    CHECK(l.boxes[0].box[2] == 0.5 && l.boxes[0].box[3] == 0.7);
    CHECK(!l.empty && l.id == NULL);
    vi_lines_free(&l);

    /* The guide's generator line: caption, no phrases. Missing caption is "". */
    CHECK_EQ_INT(parse("{\"asset_id\":\"img1\",\"caption\":\"Image of img1\",\"grounded_phrases\":[]}",
                       VI_TYPE_PHRASE_GROUNDING, &l, err),
                 0);
    CHECK(!l.empty && l.nboxes == 0);
    vi_lines_free(&l);
    CHECK_EQ_INT(parse("{\"asset_id\":\"img1\"}", VI_TYPE_PHRASE_GROUNDING, &l, err), 0);
    CHECK(l.empty && strcmp(l.caption, "") == 0);
    vi_lines_free(&l);

    /* Canonical line with bounds, explicit span, id, asset.filename; unicode span. */
    CHECK_EQ_INT(parse("{\"id\":\"w_1-a\",\"asset\":{\"type\":\"Image\",\"filename\":\"a.jpg\",\"height\":4,\"width\":4},"
                       "\"contents\":{\"type\":\"PhraseGrounding\",\"caption\":\"\xc3\xa9t\xc3\xa9 cat\","
                       "\"groundedPhrases\":[{\"phrase\":\"cat\",\"startTokenIndex\":4,\"endTokenIndex\":7,"
                       "\"bounds\":[[0.1,0.2],[0.5,0.2],[0.5,0.6],[0.1,0.6]]}]}}",
                       VI_TYPE_PHRASE_GROUNDING, &l, err),
                 0);
    CHECK_EQ_STR(l.id, "w_1-a");
    CHECK_EQ_STR(l.filename, "a.jpg");
    CHECK(l.asset_id == NULL);
    CHECK(l.nboxes == 1 && l.boxes[0].box[0] == 0.1 && l.boxes[0].box[3] == 0.6);
    CHECK(l.boxes[0].start == 4 && l.boxes[0].end == 7);
    vi_lines_free(&l);

    /* VQA (guide and canonical) and freeform (response and text). */
    CHECK_EQ_INT(parse("{\"asset_id\":\"a\",\"contents\":{\"interactions\":[{\"question\":\"Q?\",\"answer\":\"A\"},"
                       "{\"question\":\"Q2?\",\"answer\":\"B\"}]}}",
                       VI_TYPE_VQA, &l, err),
                 0);
    CHECK(l.nqas == 2 && l.qas[0].order == 1 && l.qas[1].order == 2);
    vi_lines_free(&l);
    CHECK_EQ_INT(parse("{\"id\":\"w1\",\"asset\":{\"filename\":\"a.jpg\"},\"contents\":{\"type\":\"Vqa\",\"interactions\":"
                       "[{\"order\":7,\"question\":\"Colour?\",\"answer\":\"red\"}]}}",
                       VI_TYPE_VQA, &l, err),
                 0);
    CHECK(l.nqas == 1 && l.qas[0].order == 7);
    vi_lines_free(&l);
    CHECK_EQ_INT(parse("{\"asset_id\":\"a\",\"contents\":{\"response\":\"{\\\"vendor\\\": \\\"Acme\\\"}\"}}",
                       VI_TYPE_FREEFORM, &l, err),
                 0);
    CHECK_EQ_STR(l.response, "{\"vendor\": \"Acme\"}");
    vi_lines_free(&l);
    CHECK_EQ_INT(parse("{\"asset_id\":\"a\",\"contents\":{\"type\":\"Freeform\",\"text\":\"hello\"}}", VI_TYPE_FREEFORM,
                       &l, err),
                 0);
    CHECK_EQ_STR(l.response, "hello");
    vi_lines_free(&l);
    CHECK_EQ_INT(parse("{\"asset_id\":\"a\",\"contents\":{\"interactions\":[]}}", VI_TYPE_VQA, &l, err), 0);
    CHECK(l.empty);
    vi_lines_free(&l);

    /* Rejections (§12.4). */
    expect_bad("not json", VI_TYPE_PHRASE_GROUNDING, "not valid JSON");
    expect_bad("[1,2]", VI_TYPE_PHRASE_GROUNDING, "JSON object");
    expect_bad("{\"caption\":\"x\"}", VI_TYPE_PHRASE_GROUNDING, "names no asset");
    expect_bad("{\"asset_id\":\"a\",\"grounded_phrases\":[{\"phrase\":\"c\",\"bbox\":[0.5,0.2,0.1,0.7]}]}",
               VI_TYPE_PHRASE_GROUNDING, "inverted");
    expect_bad("{\"asset_id\":\"a\",\"grounded_phrases\":[{\"phrase\":\"c\",\"bbox\":[0.1,0.2,1.5,0.7]}]}",
               VI_TYPE_PHRASE_GROUNDING, "[0, 1]");
    expect_bad("{\"asset_id\":\"a\",\"grounded_phrases\":[{\"phrase\":\"c\",\"bbox\":[0.1,0.2,0.5]}]}",
               VI_TYPE_PHRASE_GROUNDING, "bbox");
    expect_bad("{\"asset_id\":\"a\",\"grounded_phrases\":[{\"phrase\":\"\",\"bbox\":[0.1,0.2,0.5,0.7]}]}",
               VI_TYPE_PHRASE_GROUNDING, "phrase");
    expect_bad("{\"asset_id\":\"a\",\"grounded_phrases\":[{\"phrase\":\"c\"}]}", VI_TYPE_PHRASE_GROUNDING,
               "bbox or bounds");
    expect_bad("{\"asset_id\":\"a\",\"contents\":{\"type\":\"PhraseGrounding\",\"caption\":\"a cat\",\"groundedPhrases\":"
               "[{\"phrase\":\"cat\",\"startTokenIndex\":2,\"endTokenIndex\":9,\"bounds\":[[0,0],[1,0],[1,1],[0,1]]}]}}",
               VI_TYPE_PHRASE_GROUNDING, "outside the caption");
    expect_bad("{\"asset_id\":\"a\",\"contents\":{\"type\":\"Vqa\",\"interactions\":[]}}", VI_TYPE_PHRASE_GROUNDING,
               "does not match");
    expect_bad("{\"asset_id\":\"a\",\"contents\":{\"interactions\":[{\"question\":\"\",\"answer\":\"x\"}]}}", VI_TYPE_VQA,
               "question");
    expect_bad("{\"asset_id\":\"a\",\"contents\":{\"interactions\":[{\"question\":\"q\",\"answer\":\"x\",\"order\":1},"
               "{\"question\":\"q\",\"answer\":\"y\",\"order\":1}]}}",
               VI_TYPE_VQA, "used twice");
    expect_bad("{\"asset_id\":\"a\",\"contents\":{\"interactions\":[{\"question\":\"q\",\"answer\":\"x\",\"order\":1.0}]}}",
               VI_TYPE_VQA, "order");
    expect_bad("{\"id\":\"bad id!\",\"asset_id\":\"a\"}", VI_TYPE_PHRASE_GROUNDING, "'id'");
    expect_bad("{\"asset_id\":\"a\",\"contents\":{\"response\":7}}", VI_TYPE_FREEFORM, "response");

    int s, e;
    vi_span_find("A Cat", "cat", &s, &e);
    CHECK(s == 2 && e == 5);
    CHECK_EQ_INT(vi_utf8_length("\xc3\xa9t\xc3\xa9"), 3);
    return check_exit();
}
