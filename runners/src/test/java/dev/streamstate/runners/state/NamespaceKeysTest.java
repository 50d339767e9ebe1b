package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.spark.stateful.SparkStateInternals;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class NamespaceKeysTest {
  private static final IntervalWindow WINDOW =
      new IntervalWindow(new Instant(55_000), new Instant(115_000));
  private static final List<StateNamespace> NAMESPACES =
      List.of(
          StateNamespaces.global(),
          StateNamespaces.window(IntervalWindow.getCoder(), WINDOW),
          StateNamespaces.windowAndTrigger(IntervalWindow.getCoder(), WINDOW, 2));

  /** Writes a value, a sum and a hold in every namespace, twice over for the sum. */
  private static void write(StateInternals state) {
    long n = 0;
    for (StateNamespace namespace : NAMESPACES) {
      n++;
      state.state(namespace, StateTags.value("value", VarLongCoder.of())).write(n);
      state
          .state(
              namespace,
              StateTags.combiningValueFromInputInternal("sum", VarLongCoder.of(), Sum.ofLongs()))
          .add(n);
      state
          .state(
              namespace,
              StateTags.combiningValueFromInputInternal("sum", VarLongCoder.of(), Sum.ofLongs()))
          .add(n);
      state
          .state(namespace, StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST))
          .add(new Instant(n));
    }
  }

  private static Map<String, String> contents(Table<String, String, byte[]> cells) {
    Map<String, String> contents = new TreeMap<>();
    for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
      contents.put(cell.getRowKey() + " " + cell.getColumnKey(), Arrays.toString(cell.getValue()));
    }
    return contents;
  }

  @Test
  void cellsAreNamedAndWrittenAsBeamsSparkStateInternalsDo() {
    Table<String, String, byte[]> beams = HashBasedTable.create();
    write(SparkStateInternals.forKeyAndState("key", beams));
    Table<String, String, byte[]> ours = HashBasedTable.create();
    write(new NamespaceKeys(IntervalWindow.getCoder()).stateInternals("key", ours));

    assertEquals(9, ours.size());
    assertEquals(contents(beams), contents(ours));
    StateInternals readBack =
        new NamespaceKeys(IntervalWindow.getCoder()).stateInternals("key", beams);
    StateNamespace window = NAMESPACES.get(1);
    assertEquals(2L, readBack.state(window, StateTags.value("value", VarLongCoder.of())).read());
    assertEquals(
        4L,
        readBack
            .state(
                window,
                StateTags.combiningValueFromInputInternal("sum", VarLongCoder.of(), Sum.ofLongs()))
            .read());
    readBack.state(window, StateTags.value("value", VarLongCoder.of())).clear();
    assertNull(beams.get(window.stringKey(), "value"));
  }

  @Test
  void keysAndNamespacesRoundTripPastWhatIsRemembered() {
    NamespaceKeys namespaces = new NamespaceKeys(IntervalWindow.getCoder());
    for (long start = 0; start < 25_000; start++) {
      StateNamespace namespace =
          StateNamespaces.window(
              IntervalWindow.getCoder(),
              new IntervalWindow(new Instant(start), new Instant(start + 7)));
      String key = namespaces.keyOf(namespace);
      assertEquals(namespace.stringKey(), key);
      assertEquals(namespace, namespaces.namespaceOf(key));
    }
  }
}
