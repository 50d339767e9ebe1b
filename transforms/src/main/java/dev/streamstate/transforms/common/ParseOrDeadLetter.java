package dev.streamstate.transforms.common;

import java.io.Serializable;
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
 * place where parse failures become {@link DeadLetter}s, so every parser behaves the same, and the
 * one place that refuses a record over {@link RecordLimit#MAX_BYTES} before it is parsed.
 */
public final class ParseOrDeadLetter<InputT, T>
    extends PTransform<PCollection<InputT>, WithFailures.Result<PCollection<T>, DeadLetter>> {

  private final SerializableFunction<InputT, T> parser;
  private final Form<InputT> form;
  private final Coder<T> coder;
  private final SerializableFunction<String, String> readableId;

  private ParseOrDeadLetter(
      SerializableFunction<InputT, T> parser,
      Form<InputT> form,
      Coder<T> coder,
      SerializableFunction<String, String> readableId) {
    this.parser = parser;
    this.form = form;
    this.coder = coder;
    this.readableId = readableId;
  }

  /** Parses text payloads; a failing payload is kept as it is in its dead letter. */
  public static <T> ParseOrDeadLetter<String, T> with(
      SerializableFunction<String, T> parser, Coder<T> coder) {
    return new ParseOrDeadLetter<>(parser, Form.TEXT, coder, text -> null);
  }

  /** Parses raw records; a failing one is decoded as UTF-8 for its dead letter (U+FFFD if not). */
  public static <T> ParseOrDeadLetter<byte[], T> withBytes(
      SerializableFunction<byte[], T> parser, Coder<T> coder) {
    return new ParseOrDeadLetter<>(parser, Form.BYTES, coder, text -> null);
  }

  /**
   * Dead letters also carry the record's id where {@code readableId} can still find one in the text
   * (null where it cannot), so a rejected record can be traced to its producer.
   */
  public ParseOrDeadLetter<InputT, T> withReadableId(
      SerializableFunction<String, String> readableId) {
    return new ParseOrDeadLetter<>(parser, form, coder, readableId);
  }

  @Override
  public WithFailures.Result<PCollection<T>, DeadLetter> expand(PCollection<InputT> records) {
    TupleTag<T> parsed = new TupleTag<>();
    PCollectionTuple results =
        records.apply(
            "Parse",
            ParDo.of(new ParseFn<>(parser, form, readableId, parsed))
                .withOutputTags(parsed, TupleTagList.of(DeadLetter.TAG)));
    return WithFailures.Result.of(results.get(parsed).setCoder(coder), results.get(DeadLetter.TAG));
  }

  /**
   * What the parse step needs to know of its input's type: whether a record is over the cap, the
   * record as text for its dead letter, and the beginning kept of one over the cap.
   */
  private record Form<InputT>(
      SerializableFunction<InputT, Boolean> overCap,
      SerializableFunction<InputT, String> asText,
      SerializableFunction<InputT, String> beginning)
      implements Serializable {
    static final Form<String> TEXT =
        new Form<>(RecordLimit::exceeds, text -> text, RecordLimit::beginning);
    static final Form<byte[]> BYTES =
        new Form<>(RecordLimit::exceeds, Utf8::decodeLenient, RecordLimit::beginning);
  }

  private static final class ParseFn<InputT, T> extends DoFn<InputT, T> {
    private final SerializableFunction<InputT, T> parser;
    private final Form<InputT> form;
    private final SerializableFunction<String, String> readableId;
    private final TupleTag<T> parsed;

    ParseFn(
        SerializableFunction<InputT, T> parser,
        Form<InputT> form,
        SerializableFunction<String, String> readableId,
        TupleTag<T> parsed) {
      this.parser = parser;
      this.form = form;
      this.readableId = readableId;
      this.parsed = parsed;
    }

    @ProcessElement
    public void process(@Element InputT record, MultiOutputReceiver out) {
      if (form.overCap().apply(record)) {
        deadLetter(form.beginning().apply(record), RecordLimit.REASON, out);
        return;
      }
      T value;
      try {
        value = parser.apply(record);
      } catch (IllegalArgumentException e) {
        deadLetter(form.asText().apply(record), e.getMessage(), out);
        return;
      }
      out.get(parsed).output(value);
    }

    private void deadLetter(String text, String reason, MultiOutputReceiver out) {
      out.get(DeadLetter.TAG).output(new DeadLetter(text, reason, readableId.apply(text)));
    }
  }
}
