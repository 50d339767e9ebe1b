package dev.streamstate.pipelines.io.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayFileSourceTest {
  @TempDir Path dir;

  private static Instant at(String seconds) {
    return Instant.parse("2026-01-01T00:00:" + seconds + "Z");
  }

  /** What the reader gave for one line: the line, its timestamp, the watermark after it. */
  private record Read(String line, Instant timestamp, Instant watermark) {}

  private List<Read> readAll(UnboundedReader<byte[]> reader) throws Exception {
    List<Read> reads = new ArrayList<>();
    for (boolean more = reader.start(); more; more = reader.advance()) {
      reads.add(
          new Read(
              new String(reader.getCurrent(), StandardCharsets.UTF_8),
              reader.getCurrentTimestamp(),
              reader.getWatermark()));
    }
    return reads;
  }

  @Test
  void theWatermarkIsTheEarliestTimeStillToComeSoNoLineIsLate() throws Exception {
    Path file = dir.resolve("replay.tsv");
    Files.writeString(
        file,
        "2026-01-01T00:00:05Z\tc\n"
            + "2026-01-01T00:00:01Z\ta\n"
            + "no time\n"
            + "2026-01-01T00:00:03Z\tb\r\n"
            + "2026-01-01T00:00:09Z\td\n"
            + "no time either");
    ReplayFileSource source = new ReplayFileSource(file.toString());

    List<Read> reads = readAll(source.createReader(PipelineOptionsFactory.create(), null));

    Instant end = BoundedWindow.TIMESTAMP_MAX_VALUE;
    assertEquals(
        List.of(
            new Read("2026-01-01T00:00:05Z\tc", at("05"), at("01")),
            new Read("2026-01-01T00:00:01Z\ta", at("01"), at("03")),
            // A line the pipeline rejects is read at the watermark, so it is not late either.
            new Read("no time", at("03"), at("03")),
            new Read("2026-01-01T00:00:03Z\tb", at("03"), at("09")),
            // The end of time comes after the last line, even one the pipeline rejects.
            new Read("2026-01-01T00:00:09Z\td", at("09"), at("09")),
            new Read("no time either", at("09"), end)),
        reads);
  }

  @Test
  void aReaderResumedFromItsCheckpointGoesOnAfterTheLinesReadAcrossFilesGzippedToo()
      throws Exception {
    Files.writeString(dir.resolve("a.tsv"), "2026-01-01T00:00:02Z\tx\n2026-01-01T00:00:01Z\ty\n");
    try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(dir.resolve("b.tsv.gz")))) {
      gzip.write("2026-01-01T00:00:04Z\tz\n".getBytes(StandardCharsets.UTF_8));
    }
    ReplayFileSource source = new ReplayFileSource(dir.resolve("*.tsv*").toString());
    UnboundedReader<byte[]> first = source.createReader(PipelineOptionsFactory.create(), null);
    assertTrue(first.start());
    assertTrue(first.advance());
    ReplayFileSource.Position mark =
        CoderUtils.clone(
            source.getCheckpointMarkCoder(), (ReplayFileSource.Position) first.getCheckpointMark());

    UnboundedReader<byte[]> resumed = source.createReader(PipelineOptionsFactory.create(), mark);

    assertEquals(
        List.of(new Read("2026-01-01T00:00:04Z\tz", at("04"), BoundedWindow.TIMESTAMP_MAX_VALUE)),
        readAll(resumed));
    assertFalse(resumed.advance());
  }
}
