package dev.streamstate.pipelines.io.file;

import dev.streamstate.transforms.common.ReplayLines;
import dev.streamstate.transforms.common.Utf8;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Replay files read as a stream ({@code --source=file --streaming=true}): their lines, as bytes, in
 * file-name order, each stamped with the event time it starts with. The watermark follows the
 * files: it is the earliest event time among the lines not read yet, so no line is ever late
 * however the file is ordered, and the end of time once every line is read, which ends the stream.
 *
 * <p>Malformed lines are read too (the pipeline makes them dead letters with the reason), stamped
 * with the watermark at the point they are read. One reader reads all files: Beam's Spark runner
 * takes the furthest of its splits' watermarks as the source's, which would make lines of the other
 * splits late.
 */
public final class ReplayFileSource extends UnboundedSource<byte[], ReplayFileSource.Position> {
  private static final long serialVersionUID = 1L;

  /** An event time for a line that has none (a dead letter), and for no line at all. */
  private static final long NO_TIME = Long.MAX_VALUE;

  private final String filepattern;

  public ReplayFileSource(String filepattern) {
    this.filepattern = filepattern;
  }

  @Override
  public List<ReplayFileSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<byte[]> createReader(PipelineOptions options, @Nullable Position mark)
      throws IOException {
    return new Reader(files(), mark == null ? 0 : mark.linesRead);
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return new PositionCoder();
  }

  @Override
  public Coder<byte[]> getOutputCoder() {
    return ByteArrayCoder.of();
  }

  private List<ResourceId> files() throws IOException {
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata file :
        FileSystems.match(filepattern, EmptyMatchTreatment.ALLOW).metadata()) {
      files.add(file.resourceId());
    }
    files.sort(Comparator.comparing(ResourceId::toString));
    return files;
  }

  /** How many lines have been read; nothing to acknowledge, the files stay as they are. */
  static final class Position implements UnboundedSource.CheckpointMark {
    final long linesRead;

    Position(long linesRead) {
      this.linesRead = linesRead;
    }

    @Override
    public void finalizeCheckpoint() {}
  }

  private static final class PositionCoder extends AtomicCoder<Position> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Position position, OutputStream out) throws IOException {
      VarLongCoder.of().encode(position.linesRead, out);
    }

    @Override
    public Position decode(InputStream in) throws IOException {
      return new Position(VarLongCoder.of().decode(in));
    }
  }

  /**
   * Reads the files twice: once when it starts, for the event times (the watermark after each line
   * needs the earliest time after it), then line by line for the records.
   */
  private final class Reader extends UnboundedReader<byte[]> {
    private final List<ResourceId> files;

    /** The earliest event time among line {@code i} and those after it ({@link #NO_TIME}: none). */
    private long @Nullable [] earliestFrom;

    /** The latest event time in the files, the time of a malformed line with none left after it. */
    private long latest = 0;

    private long linesRead;
    private int file = -1;
    private @Nullable InputStream in;
    private byte @Nullable [] current;
    private long currentTime;

    Reader(List<ResourceId> files, long linesRead) {
      this.files = files;
      this.linesRead = linesRead;
    }

    @Override
    public boolean start() throws IOException {
      long[] times = new long[64];
      int lines = 0;
      for (ResourceId resource : files) {
        try (InputStream lineStream = open(resource)) {
          for (byte[] line = Lines.next(lineStream); line != null; line = Lines.next(lineStream)) {
            if (lines == times.length) {
              times = Arrays.copyOf(times, lines * 2);
            }
            times[lines++] = eventTime(line);
          }
        }
      }
      long[] earliest = new long[lines + 1];
      earliest[lines] = NO_TIME;
      for (int i = lines - 1; i >= 0; i--) {
        earliest[i] = Math.min(times[i], earliest[i + 1]);
        if (times[i] != NO_TIME) {
          latest = Math.max(latest, times[i]);
        }
      }
      earliestFrom = earliest;
      for (long skipped = 0, toSkip = linesRead; skipped < toSkip; skipped++) {
        if (nextLine() == null) {
          break;
        }
      }
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      int index = (int) linesRead;
      current = nextLine();
      if (current == null) {
        return false;
      }
      linesRead++;
      long time = eventTime(current);
      long watermark = index < earliestFrom.length ? earliestFrom[index] : NO_TIME;
      currentTime = time != NO_TIME ? time : watermark != NO_TIME ? watermark : latest;
      return true;
    }

    private byte @Nullable [] nextLine() throws IOException {
      while (true) {
        if (in != null) {
          byte[] line = Lines.next(in);
          if (line != null) {
            return line;
          }
          in.close();
          in = null;
        }
        if (file + 1 >= files.size()) {
          return null;
        }
        in = open(files.get(++file));
      }
    }

    @Override
    public byte[] getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      getCurrent();
      return new Instant(currentTime);
    }

    @Override
    public Instant getWatermark() {
      if (earliestFrom == null) {
        return BoundedWindow.TIMESTAMP_MIN_VALUE; // not started
      }
      long next = linesRead < earliestFrom.length ? earliestFrom[(int) linesRead] : NO_TIME;
      if (next != NO_TIME) {
        return new Instant(next);
      }
      // Only malformed lines left, stamped with the latest time: the end comes once they are read.
      return linesRead < earliestFrom.length - 1
          ? new Instant(latest)
          : BoundedWindow.TIMESTAMP_MAX_VALUE;
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(linesRead);
    }

    @Override
    public ReplayFileSource getCurrentSource() {
      return ReplayFileSource.this;
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }

  /** The file's bytes, decompressed by its extension ({@code .gz} …) as the batch read does. */
  private static InputStream open(ResourceId file) throws IOException {
    return new BufferedInputStream(
        Channels.newInputStream(
            Compression.detect(file.getFilename()).readDecompressed(FileSystems.open(file))));
  }

  /** The line's event time in millis, or {@link #NO_TIME} for a line the pipeline rejects. */
  private static long eventTime(byte[] line) {
    try {
      return ReplayLines.parseLine(Utf8.decodeStrict(line)).getTimestamp().getMillis();
    } catch (IllegalArgumentException e) {
      return NO_TIME;
    }
  }
}
