package dev.streamstate.runners.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.spark.streaming.dstream.ConstantInputDStream;
import org.apache.spark.streaming.dstream.DStream;
import org.apache.spark.streaming.dstream.InputDStream;
import scala.collection.JavaConverters;

/**
 * Where a stage's input comes from, found by walking Spark's stream graph back from it: the sources
 * it reads directly (by the input stream's id, the number the Spark runner's watermarks are kept
 * under) and the keyed-state stages before it, whose output watermarks it follows. The walk stops
 * at each of them: what lies behind a stage reaches this one through that stage's watermark.
 */
record StageInputs(List<Integer> sources, List<KeyedStateDStream> stages) {

  /**
   * The inputs of a stage reading {@code input}. An impulse (the runner's {@link
   * ConstantInputDStream}, behind every bounded {@code Create} or read in a streaming pipeline)
   * never reports a watermark, and the runner ignores such a source where a stage has others; it
   * counts here only where a stage reads nothing else, which keeps that stage at the beginning of
   * time, as on the runner. Counted beside an upstream stage, it would hold this stage there for
   * good (PAssert's own {@code Create} behind every assertion on a timer's output did).
   */
  static StageInputs of(DStream<?> input) {
    StageInputs found = new StageInputs(new ArrayList<>(), new ArrayList<>());
    List<Integer> impulses = new ArrayList<>();
    found.visit(input, Collections.newSetFromMap(new IdentityHashMap<>()), impulses);
    if (found.sources.isEmpty() && found.stages.isEmpty()) {
      found.sources.addAll(impulses);
    }
    return found;
  }

  private void visit(DStream<?> stream, Set<DStream<?>> seen, List<Integer> impulses) {
    if (!seen.add(stream)) {
      return;
    }
    if (stream instanceof KeyedStateDStream) {
      stages.add((KeyedStateDStream) stream);
    } else if (stream instanceof ConstantInputDStream) {
      impulses.add(((InputDStream<?>) stream).id());
    } else if (stream instanceof InputDStream) {
      sources.add(((InputDStream<?>) stream).id());
    } else {
      for (DStream<?> parent : JavaConverters.seqAsJavaList(stream.dependencies())) {
        visit(parent, seen, impulses);
      }
    }
  }
}
