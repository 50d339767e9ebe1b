package dev.streamstate.transforms.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Instant;

/**
 * Renders results as JSON lines, the one format every sink writes: one object a result, fields in
 * the order given, times as ISO-8601 UTC with millis, exact decimals as plain numbers.
 */
public final class JsonLines {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private JsonLines() {}

  /** One JSON object per element with the fields {@code fields} gives. */
  public static <T> ParDo.SingleOutput<T, String> of(
      SerializableFunction<T, Map<String, Object>> fields) {
    return ParDo.of(new ToJsonFn<>(fields, false));
  }

  /**
   * One JSON object per element, starting with its window's {@code window_start} and {@code
   * window_end} (end exclusive), then the fields {@code fields} gives.
   */
  public static <T> ParDo.SingleOutput<T, String> windowed(
      SerializableFunction<T, Map<String, Object>> fields) {
    return ParDo.of(new ToJsonFn<>(fields, true));
  }

  /** An ordered field map from alternating names and values. */
  public static Map<String, Object> fields(Object... namesAndValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return fields;
  }

  /** Renders one object; times become ISO-8601 UTC strings. */
  public static String render(Map<String, Object> fields) {
    Map<String, Object> values = new LinkedHashMap<>();
    fields.forEach(
        (name, value) -> values.put(name, value instanceof Instant ? value.toString() : value));
    try {
      return MAPPER.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + fields, e);
    }
  }

  /** Renders a dead letter as {@code {payload, error}}, led by {@code id} where it is known. */
  public static ParDo.SingleOutput<DeadLetter, String> deadLetters() {
    return of(
        d ->
            d.id() == null
                ? fields("payload", d.payload(), "error", d.error())
                : fields("id", d.id(), "payload", d.payload(), "error", d.error()));
  }

  private static final class ToJsonFn<T> extends DoFn<T, String> {
    private final SerializableFunction<T, Map<String, Object>> fields;
    private final boolean withWindow;

    ToJsonFn(SerializableFunction<T, Map<String, Object>> fields, boolean withWindow) {
      this.fields = fields;
      this.withWindow = withWindow;
    }

    @ProcessElement
    public void process(@Element T element, BoundedWindow window, OutputReceiver<String> out) {
      Map<String, Object> values = new LinkedHashMap<>();
      if (withWindow) {
        IntervalWindow interval = (IntervalWindow) window;
        values.put("window_start", interval.start());
        values.put("window_end", interval.end());
      }
      values.putAll(fields.apply(element));
      out.output(render(values));
    }
  }
}
