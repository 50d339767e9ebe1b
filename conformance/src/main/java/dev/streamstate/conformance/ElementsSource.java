package dev.streamstate.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * A fixed list of elements read as an unbounded stream: the elements keep the timestamp a {@code
 * Create} gives them (the beginning of time), the watermark stays at the beginning of time until
 * every element has been read and then jumps to the end of time, as a finished bounded input's
 * does. One reader, resumable from the position in its checkpoint mark.
 */
final class ElementsSource<T> extends UnboundedSource<T, ElementsSource.Position> {
  private static final long serialVersionUID = 1L;

  private final List<byte[]> encoded;
  private final Coder<T> coder;

  private ElementsSource(List<byte[]> encoded, Coder<T> coder) {
    this.encoded = encoded;
    this.coder = coder;
  }

  /** The elements, encoded with {@code coder} now, so the source holds only bytes. */
  static <T> ElementsSource<T> of(Iterable<T> elements, Coder<T> coder) {
    List<byte[]> encoded = new ArrayList<>();
    try {
      for (T element : elements) {
        encoded.add(CoderUtils.encodeToByteArray(coder, element));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode an element with " + coder, e);
    }
    return new ElementsSource<>(encoded, coder);
  }

  @Override
  public List<ElementsSource<T>> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<T> createReader(PipelineOptions options, @Nullable Position mark) {
    return new Reader(mark == null ? 0 : mark.next);
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return new PositionCoder();
  }

  @Override
  public Coder<T> getOutputCoder() {
    return coder;
  }

  /** How many elements have been read. */
  static final class Position implements UnboundedSource.CheckpointMark {
    final int next;

    Position(int next) {
      this.next = next;
    }

    @Override
    public void finalizeCheckpoint() {}
  }

  private static final class PositionCoder extends AtomicCoder<Position> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Position position, OutputStream out) throws IOException {
      VarIntCoder.of().encode(position.next, out);
    }

    @Override
    public Position decode(InputStream in) throws IOException {
      return new Position(VarIntCoder.of().decode(in));
    }
  }

  private final class Reader extends UnboundedReader<T> {
    /** The position of the current element; {@code next - 1} once advanced. */
    private int next;

    private @Nullable T current;

    Reader(int next) {
      this.next = next;
    }

    @Override
    public boolean start() throws IOException {
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      if (next >= encoded.size()) {
        current = null;
        return false;
      }
      current = CoderUtils.decodeFromByteArray(coder, encoded.get(next++));
      return true;
    }

    @Override
    public T getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      getCurrent();
      return BoundedWindow.TIMESTAMP_MIN_VALUE;
    }

    @Override
    public Instant getWatermark() {
      return next >= encoded.size()
          ? BoundedWindow.TIMESTAMP_MAX_VALUE
          : BoundedWindow.TIMESTAMP_MIN_VALUE;
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(next);
    }

    @Override
    public ElementsSource<T> getCurrentSource() {
      return ElementsSource.this;
    }

    @Override
    public void close() {}
  }
}
