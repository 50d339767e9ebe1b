package dev.streamstate.runners.state;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.spark.util.KnownSizeEstimation;
import scala.Tuple2;

/**
 * One partition of one micro-batch of a {@link KeyedStateDStream}: the partition's state after the
 * batch and what the DoFn output during it.
 *
 * <p>The outputs stay as they were output while the record is cached (in memory, deserialized), and
 * are encoded with their coders only when the record is serialized, for a checkpoint: a batch's
 * outputs are read once, by the steps after it, and encoding each one to decode it again at once
 * cost a tenth of the keyed step's time. A record read back from a checkpoint still has them, so a
 * step after it that Spark recomputes from there sees the same outputs.
 *
 * <p>It tells Spark its size: Spark sizes every block it caches by walking the objects reachable
 * from it, and the state shares its structure with every earlier batch, so that walk would visit
 * every key of the partition every batch, the very cost this stream exists to avoid.
 */
final class PartitionRecord implements Serializable, KnownSizeEstimation {
  private static final long serialVersionUID = 2L;

  /** What an output is taken to hold in memory, for Spark's accounting of cached blocks only. */
  private static final long OUTPUT_BYTES = 128;

  static final PartitionRecord EMPTY =
      new PartitionRecord(PartitionState.EMPTY, List.of(), Map.of());

  private final PartitionState state;
  private final Map<TupleTag<?>, Coder<WindowedValue<?>>> coders;
  private transient List<Tuple2<TupleTag<?>, WindowedValue<?>>> outputs;

  /**
   * The record of a batch that output {@code outputs}, each of which {@code coders} can encode by
   * its tag.
   */
  PartitionRecord(
      PartitionState state,
      List<Tuple2<TupleTag<?>, WindowedValue<?>>> outputs,
      Map<TupleTag<?>, Coder<WindowedValue<?>>> coders) {
    this.state = state;
    this.outputs = outputs;
    this.coders = coders;
  }

  @Override
  public long estimatedSize() {
    return state.approximateBytes() + OUTPUT_BYTES * outputs.size();
  }

  PartitionState state() {
    return state;
  }

  List<Tuple2<TupleTag<?>, WindowedValue<?>>> outputs() {
    return outputs;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeInt(outputs.size());
    for (Tuple2<TupleTag<?>, WindowedValue<?>> output : outputs) {
      out.writeObject(output._1());
      KeyState.writeBytes(out, CoderUtils.encodeToByteArray(coders.get(output._1()), output._2()));
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int count = in.readInt();
    outputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      TupleTag<?> tag = (TupleTag<?>) in.readObject();
      outputs.add(
          new Tuple2<>(
              tag, CoderUtils.decodeFromByteArray(coders.get(tag), KeyState.readBytes(in))));
    }
  }
}
