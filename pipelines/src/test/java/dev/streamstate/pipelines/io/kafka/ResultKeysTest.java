package dev.streamstate.pipelines.io.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultKeysTest {
  private final ResultKeys windowAndWord = ResultKeys.of(List.of("window_start", "word"));

  @Test
  void keyIsTheIdentityFieldsInTheirOrderWhateverElseTheResultHolds() {
    assertEquals(
        "{\"window_start\":\"2026-01-01T00:00:00Z\",\"word\":\"spark\"}",
        windowAndWord.apply(
            "{\"count\":3,\"word\":\"spark\",\"window_start\":\"2026-01-01T00:00:00Z\"}"));
    assertEquals(
        windowAndWord.apply("{\"word\":\"spark\",\"window_start\":\"w\",\"count\":1}"),
        windowAndWord.apply(
            "{\"word\":\"spark\",\"window_start\":\"w\",\"count\":7,\"late\":true}"));
  }

  @Test
  void absentOrNullFieldsAreLeftOutAndNoFieldsIsTheOneCurrentResult() {
    assertEquals(
        "{\"word\":\"spark\"}", windowAndWord.apply("{\"word\":\"spark\",\"window_start\":null}"));
    assertEquals("{}", windowAndWord.apply("{\"count\":3}"));
  }

  @Test
  void deadLettersAreKeyedByIdElseByTheDigestOfTheirPayload() {
    assertEquals(
        "{\"id\":\"t-1\"}",
        ResultKeys.DEAD_LETTERS.apply("{\"id\":\"t-1\",\"payload\":\"x\",\"reason\":\"r\"}"));
    String once = ResultKeys.DEAD_LETTERS.apply("{\"payload\":\"garbage\",\"reason\":\"a\"}");
    assertEquals(once, ResultKeys.DEAD_LETTERS.apply("{\"payload\":\"garbage\",\"reason\":\"b\"}"));
    assertNotEquals(
        once, ResultKeys.DEAD_LETTERS.apply("{\"payload\":\"garbage!\",\"reason\":\"a\"}"));
    // sha256 of "garbage", from sha256sum
    assertEquals(
        "{\"payload_sha256\":\"795b6904e54f82411df4b0e27a373a55eea3f9d66dac5a9bce1dd92f7b401da5\"}",
        once);
  }

  @Test
  void unkeyedLinesAreNotReadAndAResultThatIsNotJsonIsAnError() {
    assertNull(ResultKeys.NONE.apply("not json"));
    assertThrows(IllegalStateException.class, () -> windowAndWord.apply("not json"));
  }
}
