package dev.streamstate.transforms;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Parses each record with a function that throws {@link IllegalArgumentException} on bad input;
 * what fails goes to the dead letters with the exception's message as the reason. This is the one
 * place where parse failures become {@link DeadLetter}s, so every parser behaves the same.
 */
public final class ParseOrDeadLetter<InputT, T>
    extends PTransform<PCollection<InputT>, WithFailures.Result<PCollection<T>, DeadLetter>> {

  private final SerializableFunction<InputT, T> parser;
  private final SerializableFunction<InputT, String> asText;
  private final Coder<T> coder;
  private final SerializableFunction<String, String> readableId;

  private ParseOrDeadLetter(
      SerializableFunction<InputT, T> parser,
      SerializableFunction<InputT, String> asText,
      Coder<T> coder,
      SerializableFunction<String, String> readableId) {
    this.parser = parser;
    this.asText = asText;
    this.coder = coder;
    this.readableId = readableId;
  }

  /** Parses text payloads; a failing payload is kept as it is in its dead letter. */
  public static <T> ParseOrDeadLetter<String, T> with(
      SerializableFunction<String, T> parser, Coder<T> coder) {
    return new ParseOrDeadLetter<>(parser, payload -> payload, coder, text -> null);
  }

  /** Parses any record; {@code asText} renders a failing one for its dead letter. */
  public static <InputT, T> ParseOrDeadLetter<InputT, T> with(
      SerializableFunction<InputT, T> parser,
      SerializableFunction<InputT, String> asText,
      Coder<T> coder) {
    return new ParseOrDeadLetter<>(parser, asText, coder, text -> null);
  }

  /**
   * Dead letters also carry the record's id where {@code readableId} can still find one in the
   * text (null where it cannot), so a rejected record can be traced to its producer.
   */
  public ParseOrDeadLetter<InputT, T> withReadableId(SerializableFunction<String, String> readableId) {
    return new ParseOrDeadLetter<>(parser, asText, coder, readableId);
  }

  @Override
  public WithFailures.Result<PCollection<T>, DeadLetter> expand(PCollection<InputT> records) {
    TupleTag<T> parsed = new TupleTag<>();
    PCollectionTuple results =
        records.apply(
            "Parse",
            ParDo.of(new ParseFn<>(parser, asText, readableId, parsed))
                .withOutputTags(parsed, TupleTagList.of(DeadLetter.TAG)));
    return WithFailures.Result.of(results.get(parsed).setCoder(coder), results.get(DeadLetter.TAG));
  }

  private static final class ParseFn<InputT, T> extends DoFn<InputT, T> {
    private final SerializableFunction<InputT, T> parser;
    private final SerializableFunction<InputT, String> asText;
    private final SerializableFunction<String, String> readableId;
    private final TupleTag<T> parsed;

    ParseFn(
        SerializableFunction<InputT, T> parser,
        SerializableFunction<InputT, String> asText,
        SerializableFunction<String, String> readableId,
        TupleTag<T> parsed) {
      this.parser = parser;
      this.asText = asText;
      this.readableId = readableId;
      this.parsed = parsed;
    }

    @ProcessElement
    public void process(@Element InputT record, MultiOutputReceiver out) {
      T value;
      try {
        value = parser.apply(record);
      } catch (IllegalArgumentException e) {
        String text = asText.apply(record);
        out.get(DeadLetter.TAG).output(new DeadLetter(text, e.getMessage(), readableId.apply(text)));
        return;
      }
      out.get(parsed).output(value);
    }
  }
}
