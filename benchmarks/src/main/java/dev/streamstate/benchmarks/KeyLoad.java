package dev.streamstate.benchmarks;

import java.io.Serializable;

/**
 * The idle-state workload, the same for every contender: first every one of {@code keys} keys
 * once, then {@code updatesPerBatch} updates a batch spread over all keys (1 % of 100 000 keys is
 * 1 000), so the state holds N keys while each batch touches few of them.
 */
public record KeyLoad(long keys, int updatesPerBatch) implements Serializable {

  /** The key of the i-th record: keys in order first, then a fixed scatter over all of them. */
  public String key(long i) {
    long k = i < keys ? i : Math.floorMod((i - keys) * 104_729L + 7_919L, keys);
    return "k" + k;
  }
}
