package dev.streamstate.transforms.joins;

import dev.streamstate.transforms.windows.EventTimeWindows;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * DStream {@code left.window(W, S).join(right.window(W, S))} and its outer joins, in event time:
 * per window and key, one {@code KV<left, right>} per pair of a left and a right record; a left
 * join adds each left record of a key with no right record in that window as {@code KV<left,
 * null>}, a right join the converse, a full join both.
 *
 * <p>It is a {@link WindowedCoGroup}, so a late pane re-emits the window and key's rows with the
 * late record in them: a consumer keeps the latest pane of each window and key (its rows carry the
 * same window).
 */
public final class WindowedJoin<K, L, R>
    extends PTransform<PCollection<KV<K, L>>, PCollection<KV<K, KV<L, R>>>> {
  private final PCollection<KV<K, R>> right;
  private final EventTimeWindows windows;
  private final JoinType type;

  private WindowedJoin(PCollection<KV<K, R>> right, EventTimeWindows windows, JoinType type) {
    this.right = right;
    this.windows = windows;
    this.type = type;
  }

  /** Joins the stream it is applied to (the left) with {@code right}, in {@code windows}. */
  public static <K, L, R> WindowedJoin<K, L, R> of(
      PCollection<KV<K, R>> right, EventTimeWindows windows, JoinType type) {
    return new WindowedJoin<>(right, windows, type);
  }

  @Override
  public PCollection<KV<K, KV<L, R>>> expand(PCollection<KV<K, L>> left) {
    KvCoder<K, L> leftCoder = WindowedCoGroup.kvCoder(left);
    KvCoder<K, R> rightCoder = WindowedCoGroup.kvCoder(right);
    return left.apply("CoGroup", WindowedCoGroup.<K, L, R>with(right, windows))
        .apply("Pairs", ParDo.of(new PairsFn<>(type)))
        .setCoder(
            KvCoder.of(
                leftCoder.getKeyCoder(),
                KvCoder.of(
                    NullableCoder.of(leftCoder.getValueCoder()),
                    NullableCoder.of(rightCoder.getValueCoder()))));
  }

  private static final class PairsFn<K, L, R>
      extends DoFn<KV<K, KV<List<L>, List<R>>>, KV<K, KV<L, R>>> {
    private final JoinType type;

    PairsFn(JoinType type) {
      this.type = type;
    }

    @ProcessElement
    public void process(
        @Element KV<K, KV<List<L>, List<R>>> grouped, OutputReceiver<KV<K, KV<L, R>>> out) {
      K key = grouped.getKey();
      List<L> lefts = grouped.getValue().getKey();
      List<R> rights = grouped.getValue().getValue();
      for (L left : lefts) {
        for (R right : rights) {
          out.output(KV.of(key, KV.of(left, right)));
        }
      }
      if (rights.isEmpty() && type.keepsUnmatchedLeft()) {
        lefts.forEach(left -> out.output(KV.of(key, KV.of(left, null))));
      }
      if (lefts.isEmpty() && type.keepsUnmatchedRight()) {
        rights.forEach(right -> out.output(KV.of(key, KV.of(null, right))));
      }
    }
  }
}
