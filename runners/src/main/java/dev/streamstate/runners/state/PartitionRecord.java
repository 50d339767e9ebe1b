package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.values.TupleTag;
import scala.Tuple2;

/**
 * One partition of one micro-batch of a {@link KeyedStateDStream}: the partition's state after
 * the batch and what the DoFn output during it (encoded, so the record can be checkpointed).
 */
final class PartitionRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  static final PartitionRecord EMPTY = new PartitionRecord(PartitionState.EMPTY, List.of());

  private final PartitionState state;
  private final List<Tuple2<TupleTag<?>, byte[]>> outputs;

  PartitionRecord(PartitionState state, List<Tuple2<TupleTag<?>, byte[]>> outputs) {
    this.state = state;
    this.outputs = outputs;
  }

  PartitionState state() {
    return state;
  }

  List<Tuple2<TupleTag<?>, byte[]>> outputs() {
    return outputs;
  }
}
