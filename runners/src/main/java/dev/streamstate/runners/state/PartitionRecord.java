package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.spark.util.KnownSizeEstimation;
import scala.Tuple2;

/**
 * One partition of one micro-batch of a {@link KeyedStateDStream}: the partition's state after
 * the batch and what the DoFn output during it (encoded, so the record can be checkpointed).
 *
 * <p>It tells Spark its size: Spark sizes every block it caches by walking the objects reachable
 * from it, and the state shares its structure with every earlier batch, so that walk would visit
 * every key of the partition every batch, the very cost this stream exists to avoid.
 */
final class PartitionRecord implements Serializable, KnownSizeEstimation {
  private static final long serialVersionUID = 1L;

  static final PartitionRecord EMPTY = new PartitionRecord(PartitionState.EMPTY, List.of());

  private final PartitionState state;
  private final List<Tuple2<TupleTag<?>, byte[]>> outputs;

  PartitionRecord(PartitionState state, List<Tuple2<TupleTag<?>, byte[]>> outputs) {
    this.state = state;
    this.outputs = outputs;
  }

  @Override
  public long estimatedSize() {
    long bytes = state.approximateBytes();
    for (Tuple2<TupleTag<?>, byte[]> output : outputs) {
      bytes += output._2().length;
    }
    return bytes;
  }

  PartitionState state() {
    return state;
  }

  List<Tuple2<TupleTag<?>, byte[]>> outputs() {
    return outputs;
  }
}
