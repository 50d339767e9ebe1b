package dev.streamstate.pipelines;

import static dev.streamstate.transforms.common.JsonLines.fields;

import dev.streamstate.transforms.common.JsonLines;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;

/** The JSON shapes results share across pipelines. */
final class Results {
  private Results() {}

  /** {@code {window_start, window_end, <keyField>, <valueField>}} for keyed windowed results. */
  static <K, V> ParDo.SingleOutput<KV<K, V>, String> windowedPairs(
      String keyField, String valueField) {
    return JsonLines.windowed(kv -> fields(keyField, kv.getKey(), valueField, kv.getValue()));
  }

  /** {@code {window_start, window_end, <valueField>}} for one result per window. */
  static <V> ParDo.SingleOutput<V, String> windowedValues(String valueField) {
    return JsonLines.windowed(value -> fields(valueField, value));
  }
}
