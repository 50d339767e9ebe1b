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
 * {@link KeyLoad}'s workload as a Beam unbounded source: every key at once, then {@code
 * updatesPerBatch} updates a second (the batch interval), so that each micro-batch of Beam's Spark
 * runner gets about as many updates as a native batch.
 */
final class KeyLoadSource extends UnboundedSource<String, KeyLoadSource.Position> {
  /** When a reader in this JVM finished the load phase (0 before): the benchmark runs local. */
  static final java.util.concurrent.atomic.AtomicLong LOADED_AT = new java.util.concurrent.atomic.AtomicLong();

  private final KeyLoad load;

  KeyLoadSource(KeyLoad load) {
    this.load = load;
  }

  @Override
  public List<KeyLoadSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this); // one ordered stream of keys, like the native job's input
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
  record Position(long emitted, long loadedAtMillis) implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {}
  }

  private static final class Reader extends UnboundedReader<String> {
    private final KeyLoadSource source;
    private long emitted;
    private long loadedAtMillis;
    private String current;

    Reader(KeyLoadSource source, Position position) {
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
      KeyLoad load = source.load;
      long now = System.currentTimeMillis();
      if (emitted >= load.keys()) {
        if (loadedAtMillis == 0) {
          loadedAtMillis = now;
          LOADED_AT.set(now);
        }
        long due = load.keys() + (now - loadedAtMillis) / 1000 * load.updatesPerBatch();
        if (emitted >= due) {
          return false;
        }
      }
      current = load.key(emitted++);
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
      return Instant.now();
    }

    @Override
    public Instant getWatermark() {
      return Instant.now();
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
