package dev.streamstate.benchmarks;

import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Instant;

/**
 * A {@link Workload} as a Beam unbounded source, one word a line (or another of the workload's
 * {@link Workload.Lines}, such as keyed records): the load at once, then one steady batch a second
 * of the clock (the batch interval), so that each micro-batch of Beam's Spark runner gets about as
 * many records as a native batch. Records carry the workload's event times and the watermark
 * follows them, so event-time windows hold the same records in every run.
 */
final class WorkloadSource extends UnboundedSource<String, WorkloadSource.Position> {
  private final Workload workload;
  private final Workload.Lines lines;

  WorkloadSource(Workload workload) {
    this(workload, Workload.Lines.WORDS);
  }

  /** The workload's records as {@code lines} writes them. */
  WorkloadSource(Workload workload, Workload.Lines lines) {
    this.workload = workload;
    this.lines = lines;
  }

  @Override
  public List<WorkloadSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this); // one ordered stream, like the native job's input and its watermark
  }

  @Override
  public UnboundedReader<String> createReader(PipelineOptions options, Position position) {
    return new Reader(this, position == null ? new Position(0, 0) : position);
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return SerializableCoder.of(Position.class);
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  /** Records emitted so far, and when the load phase ended (0 while it lasts). */
  record Position(long emitted, long loadedAtMillis)
      implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {}
  }

  private static final class Reader extends UnboundedReader<String> {
    private final WorkloadSource source;
    private long emitted;
    private long loadedAtMillis;
    private String current;

    Reader(WorkloadSource source, Position position) {
      this.source = source;
      this.emitted = position.emitted();
      this.loadedAtMillis = position.loadedAtMillis();
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      Workload workload = source.workload;
      if (emitted >= workload.loadRecords()) {
        long now = System.currentTimeMillis();
        if (loadedAtMillis == 0) {
          // Half an interval back: each later batch reads half-way through a second of the clock,
          // not at its edge, where a read a few milliseconds early got no words and the next one
          // two batches' worth.
          loadedAtMillis = now - Workload.PACE_MILLIS / 2;
        }
        if (emitted >= workload.dueAfterLoad(now - loadedAtMillis)) {
          return false;
        }
      }
      current = source.lines.line(workload, emitted++);
      return true;
    }

    @Override
    public String getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      return source.workload.eventTime(emitted - 1);
    }

    @Override
    public Instant getWatermark() {
      return emitted == 0 ? Workload.T0 : source.workload.eventTime(emitted - 1);
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(emitted, loadedAtMillis);
    }

    @Override
    public UnboundedSource<String, ?> getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }
}
