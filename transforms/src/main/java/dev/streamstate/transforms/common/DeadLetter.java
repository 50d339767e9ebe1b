package dev.streamstate.transforms.common;

import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.values.TupleTag;

/**
 * A record that could not be read, kept with the reason and the original text so that nothing is
 * lost silently: every parser sends what it cannot read here instead of failing the stream.
 *
 * @param payload the original record as text (undecodable bytes shown as U+FFFD)
 * @param error why it could not be read, in words a user can act on
 * @param id the record's own id where it could still be read (a transaction's), else null
 */
@DefaultCoder(DeadLetter.Coder.class)
public record DeadLetter(String payload, String error, String id) {

  /** A dead letter without a readable id. */
  public DeadLetter(String payload, String error) {
    this(payload, error, null);
  }

  /** The side output every parsing DoFn writes its dead letters to. */
  public static final TupleTag<DeadLetter> TAG = new TupleTag<DeadLetter>() {};

  /**
   * Its coder. The reason may be null too: it is an exception's message, which Java allows to be
   * null, and a dead letter must not fail the stream for that.
   */
  public static final class Coder extends RecordCoder<DeadLetter> {
    public Coder() {
      super(DeadLetter.class, STRING, NULLABLE_STRING, NULLABLE_STRING);
    }
  }
}
