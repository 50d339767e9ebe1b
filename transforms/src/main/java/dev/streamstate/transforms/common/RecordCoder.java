package dev.streamstate.transforms.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Instant;

/**
 * The coder of a record that travels between stages or lives in state: its components one after the
 * other, each with the Beam coder given for it, a few bytes a record. Java serialization (Beam's
 * {@code SerializableCoder}) writes a class descriptor with every value, a hundred bytes and more,
 * and took a fifth of a running count's batch time at 1 M keys.
 *
 * <p>A record names its coder, and its coder names one Beam coder per component, in order:
 *
 * <pre>{@code
 * @DefaultCoder(Point.Coder.class)
 * public record Point(String name, long x) {
 *   public static final class Coder extends RecordCoder<Point> {
 *     public Coder() {
 *       super(Point.class, STRING, LONG);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Beam then infers it wherever the record's type is known, and {@link #of(Class)} gives it where
 * a coder is set by hand. The components are read and the record made through its accessors and
 * canonical constructor, so no record writes an encoding of its own; a coder whose components'
 * count or types do not match the record's fails when it is made. It is deterministic exactly when
 * every component's coder is, so a record can be a grouping key only if all its components can.
 *
 * @param <T> the record it encodes
 */
public abstract class RecordCoder<T extends Record> extends AtomicCoder<T> {
  protected static final Coder<String> STRING = StringUtf8Coder.of();

  /** A string that may be null: one byte more than {@link #STRING}. */
  protected static final Coder<String> NULLABLE_STRING = NullableCoder.of(StringUtf8Coder.of());

  /** Small numbers in few bytes: ids, counts. */
  protected static final Coder<Long> LONG = VarLongCoder.of();

  protected static final Coder<Boolean> BOOLEAN = BooleanCoder.of();
  protected static final Coder<Instant> INSTANT = InstantCoder.of();

  /**
   * Exact decimals with their scale, so that money comes back as it was (2100.00 stays 2100.00).
   */
  protected static final Coder<BigDecimal> DECIMAL = BigDecimalCoder.of();

  private static final ClassValue<RecordCoder<?>> INSTANCES =
      new ClassValue<>() {
        @Override
        protected RecordCoder<?> computeValue(Class<?> coderClass) {
          try {
            Constructor<?> constructor = coderClass.getConstructor();
            constructor.setAccessible(true); // a record's coder may sit in a record of its package
            return (RecordCoder<?>) constructor.newInstance();
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                coderClass.getName() + " needs a public no-argument constructor", e);
          }
        }
      };

  // What a subclass declares is all its state: one coder per subclass, so AtomicCoder's equality,
  // by class, holds. The method handles are not serializable and are looked up again on arrival.
  private final Class<T> type;
  private final List<Coder<?>> components;
  private transient MethodHandle[] accessors;
  private transient MethodHandle constructor;

  /** The coder of {@code type} with one coder per component, in the record's order. */
  protected RecordCoder(Class<T> type, Coder<?>... components) {
    this.type = type;
    this.components = List.of(components);
    lookUp();
  }

  /** The coder {@code type} names with {@code @DefaultCoder}, made once. */
  @SuppressWarnings("unchecked")
  public static <T extends Record> RecordCoder<T> of(Class<T> type) {
    DefaultCoder named = type.getAnnotation(DefaultCoder.class);
    if (named == null || !RecordCoder.class.isAssignableFrom(named.value())) {
      throw new IllegalArgumentException(
          type.getName() + " names no RecordCoder with @DefaultCoder");
    }
    RecordCoder<?> coder = INSTANCES.get(named.value());
    if (coder.type != type) {
      throw new IllegalArgumentException(
          named.value().getName() + " encodes " + coder.type.getName() + ", not " + type.getName());
    }
    return (RecordCoder<T>) coder;
  }

  /**
   * What {@code @DefaultCoder(SomeRecord.Coder.class)} asks the coder class for (Beam finds it on
   * this class): the coder each record names.
   */
  public static CoderProvider getCoderProvider() {
    return Provider.INSTANCE;
  }

  /** Its components' coders, in order: what a check for Java serialization looks into. */
  public final List<Coder<?>> componentCoders() {
    return components;
  }

  @Override
  public final TypeDescriptor<T> getEncodedTypeDescriptor() {
    return TypeDescriptor.of(type);
  }

  @Override
  public final void encode(T value, OutputStream out) throws IOException {
    if (value == null) {
      throw new CoderException("cannot encode a null " + type.getName());
    }
    for (int i = 0; i < accessors.length; i++) {
      encodeField(components.get(i), call(accessors[i], value), out);
    }
  }

  @Override
  public final T decode(InputStream in) throws IOException {
    Object[] values = new Object[accessors.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = components.get(i).decode(in);
    }
    return type.cast(call(constructor, (Object) values));
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    verifyDeterministic(this, "every component's coder must be deterministic", components);
  }

  @SuppressWarnings("unchecked")
  private static <F> void encodeField(Coder<F> coder, Object value, OutputStream out)
      throws IOException {
    coder.encode((F) value, out);
  }

  /** Calls an accessor with its record, or the constructor with its arguments' array. */
  private static Object call(MethodHandle handle, Object argument) {
    try {
      return handle.invokeExact(argument);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** The record's accessors and canonical constructor, checked against the components' coders. */
  private void lookUp() {
    RecordComponent[] record = type.getRecordComponents();
    if (record == null || record.length != components.size()) {
      throw new IllegalArgumentException(
          getClass().getName()
              + " gives "
              + components.size()
              + " coders for the "
              + (record == null ? "non-record" : record.length + " components of")
              + " "
              + type.getName());
    }
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    // Every handle takes and gives an Object, so that one exact call serves them all.
    MethodType objectToObject = MethodType.methodType(Object.class, Object.class);
    accessors = new MethodHandle[record.length];
    Class<?>[] types = new Class<?>[record.length];
    try {
      for (int i = 0; i < record.length; i++) {
        types[i] = record[i].getType();
        Class<?> boxed = MethodType.methodType(types[i]).wrap().returnType();
        Class<?> encoded = components.get(i).getEncodedTypeDescriptor().getRawType();
        if (boxed != encoded) {
          throw new IllegalArgumentException(
              getClass().getName()
                  + ": "
                  + type.getSimpleName()
                  + "."
                  + record[i].getName()
                  + " is a "
                  + types[i].getName()
                  + ", its coder encodes "
                  + encoded.getName());
        }
        Method accessor = record[i].getAccessor();
        accessor.setAccessible(true);
        accessors[i] = lookup.unreflect(accessor).asType(objectToObject);
      }
      Constructor<T> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      constructor =
          lookup
              .unreflectConstructor(canonical)
              .asSpreader(Object[].class, types.length)
              .asType(objectToObject);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    lookUp();
  }

  /** Gives each record that names a {@link RecordCoder} with {@code @DefaultCoder} that coder. */
  private static final class Provider extends CoderProvider {
    static final Provider INSTANCE = new Provider();

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Coder<T> coderFor(TypeDescriptor<T> type, List<? extends Coder<?>> componentCoders)
        throws CannotProvideCoderException {
      Class<?> raw = type.getRawType();
      if (!raw.isRecord()) {
        throw new CannotProvideCoderException(raw.getName() + " is not a record");
      }
      try {
        return (Coder<T>) of((Class) raw);
      } catch (IllegalArgumentException e) {
        throw new CannotProvideCoderException(e.getMessage());
      }
    }
  }
}
