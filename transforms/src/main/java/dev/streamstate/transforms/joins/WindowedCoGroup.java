package dev.streamstate.transforms.joins;

import dev.streamstate.transforms.windows.EventTimeWindows;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * DStream {@code left.window(W, S).cogroup(right.window(W, S))} in event time: per window and key,
 * the values of both streams ({@code KV<left values, right values>}, one side possibly empty).
 *
 * <p>Windows fire as {@link EventTimeWindows#windowInto} says: once when the watermark passes their
 * end, then again for each late record within the allowed lateness. Panes accumulate, so a late
 * pane holds all of the window's values and replaces what the window and key gave before.
 */
public final class WindowedCoGroup<K, L, R>
    extends PTransform<PCollection<KV<K, L>>, PCollection<KV<K, KV<List<L>, List<R>>>>> {
  private final PCollection<KV<K, R>> right;
  private final EventTimeWindows windows;

  private WindowedCoGroup(PCollection<KV<K, R>> right, EventTimeWindows windows) {
    this.right = right;
    this.windows = windows;
  }

  /** Cogroups the stream it is applied to (the left) with {@code right}, in {@code windows}. */
  public static <K, L, R> WindowedCoGroup<K, L, R> with(
      PCollection<KV<K, R>> right, EventTimeWindows windows) {
    return new WindowedCoGroup<>(right, windows);
  }

  @Override
  public PCollection<KV<K, KV<List<L>, List<R>>>> expand(PCollection<KV<K, L>> left) {
    TupleTag<L> leftTag = new TupleTag<>();
    TupleTag<R> rightTag = new TupleTag<>();
    KvCoder<K, L> leftCoder = kvCoder(left);
    KvCoder<K, R> rightCoder = kvCoder(right);
    return KeyedPCollectionTuple.of(
            leftTag, left.apply("LeftIntoWindows", windows.<KV<K, L>>windowInto()))
        .and(rightTag, right.apply("RightIntoWindows", windows.<KV<K, R>>windowInto()))
        .apply("CoGroupByKey", CoGroupByKey.create())
        .apply("BothSides", ParDo.of(new BothSidesFn<>(leftTag, rightTag)))
        .setCoder(
            KvCoder.of(
                leftCoder.getKeyCoder(),
                KvCoder.of(
                    ListCoder.of(leftCoder.getValueCoder()),
                    ListCoder.of(rightCoder.getValueCoder()))));
  }

  static <K, V> KvCoder<K, V> kvCoder(PCollection<KV<K, V>> stream) {
    Coder<KV<K, V>> coder = stream.getCoder();
    if (!(coder instanceof KvCoder)) {
      throw new IllegalArgumentException("a joined stream needs a KvCoder, got " + coder);
    }
    return (KvCoder<K, V>) coder;
  }

  private static final class BothSidesFn<K, L, R>
      extends DoFn<KV<K, CoGbkResult>, KV<K, KV<List<L>, List<R>>>> {
    private final TupleTag<L> leftTag;
    private final TupleTag<R> rightTag;

    BothSidesFn(TupleTag<L> leftTag, TupleTag<R> rightTag) {
      this.leftTag = leftTag;
      this.rightTag = rightTag;
    }

    @ProcessElement
    public void process(
        @Element KV<K, CoGbkResult> grouped, OutputReceiver<KV<K, KV<List<L>, List<R>>>> out) {
      CoGbkResult sides = grouped.getValue();
      out.output(
          KV.of(
              grouped.getKey(),
              KV.of(
                  List.copyOf(list(sides.getAll(leftTag))),
                  List.copyOf(list(sides.getAll(rightTag))))));
    }

    private static <V> List<V> list(Iterable<V> values) {
      List<V> list = new java.util.ArrayList<>();
      values.forEach(list::add);
      return list;
    }
  }
}
