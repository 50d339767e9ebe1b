package dev.streamstate.runners.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.VarInt;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * A timer as a key keeps it between micro-batches: its id, family and namespace, then its time as a
 * zigzag varint, its output timestamp as a zigzag varint difference from that time, and its domain
 * as one byte. Beam's {@code TimerDataCoderV2} writes the same fields, but both times in 8 bytes
 * each and the domain by name: 41 bytes for an idle timeout's timer where this takes 17, in every
 * idle key of a stream (see {@link KeyState}).
 */
final class StoredTimerCoder extends CustomCoder<TimerData> {
  private static final long serialVersionUID = 1L;
  private static final StringUtf8Coder STRINGS = StringUtf8Coder.of();
  private static final TimeDomain[] DOMAINS = TimeDomain.values();

  private final Coder<? extends BoundedWindow> windowCoder;

  /**
   * Each namespace's key, shared with the state of the task's keys; made again after
   * deserialization.
   */
  private transient @Nullable NamespaceKeys namespaces;

  StoredTimerCoder(Coder<? extends BoundedWindow> windowCoder) {
    this.windowCoder = windowCoder;
  }

  /** Timers in the windows of {@code namespaces}, whose keys it works out. */
  StoredTimerCoder(NamespaceKeys namespaces) {
    this(namespaces.windowCoder());
    this.namespaces = namespaces;
  }

  private NamespaceKeys namespaces() {
    if (namespaces == null) {
      namespaces = new NamespaceKeys(windowCoder);
    }
    return namespaces;
  }

  @Override
  public void encode(TimerData timer, OutputStream out) throws IOException {
    STRINGS.encode(timer.getTimerId(), out);
    STRINGS.encode(timer.getTimerFamilyId(), out);
    STRINGS.encode(namespaces().keyOf(timer.getNamespace()), out);
    long time = timer.getTimestamp().getMillis();
    VarInt.encode(KeyState.zigzag(time), out);
    VarInt.encode(KeyState.zigzag(timer.getOutputTimestamp().getMillis() - time), out);
    out.write(timer.getDomain().ordinal());
  }

  @Override
  public TimerData decode(InputStream in) throws IOException {
    String id = STRINGS.decode(in);
    String family = STRINGS.decode(in);
    String namespace = STRINGS.decode(in);
    long time = KeyState.unzigzag(VarInt.decodeLong(in));
    long output = time + KeyState.unzigzag(VarInt.decodeLong(in));
    int domain = in.read();
    if (domain < 0 || domain >= DOMAINS.length) {
      throw new CoderException("not a stored timer: time domain " + domain);
    }
    return TimerData.of(
        id,
        family,
        namespaces().namespaceOf(namespace),
        new Instant(time),
        new Instant(output),
        DOMAINS[domain]);
  }

  @Override
  public void verifyDeterministic() {}
}
