package dev.streamstate.transforms.common;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/** Pairs every element with a count of one: the input of every count that is a sum. */
public final class Ones<T> extends PTransform<PCollection<T>, PCollection<KV<T, Long>>> {

  private Ones() {}

  public static <T> Ones<T> perElement() {
    return new Ones<>();
  }

  @Override
  public PCollection<KV<T, Long>> expand(PCollection<T> elements) {
    return elements
        .apply("PairWithOne", ParDo.of(new PairWithOneFn<T>()))
        .setCoder(KvCoder.of(elements.getCoder(), VarLongCoder.of()));
  }

  private static final class PairWithOneFn<T> extends DoFn<T, KV<T, Long>> {
    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<T, Long>> out) {
      out.output(KV.of(element, 1L));
    }
  }
}
