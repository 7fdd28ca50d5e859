package quorumkv.linearizability.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import quorumkv.client.KvClient;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvResult;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.KeyValue;

/**
 * Jepsen's bank test on QuorumKV transactions: accounts under one prefix, transfers between two accounts
 * in one transaction guarded by both accounts' mod revisions, and reads of every balance in one prefix
 * scan. The total never changes and no balance goes negative, so any read that sees a different total saw
 * a partial or duplicated transfer.
 *
 * <p>{@code atomic=false} is the broken variant: a transfer as two separate puts, so reads can see money
 * in flight — proof that the invariant check can fail.
 */
public final class BankWorkload {
  public static final int INITIAL_BALANCE = 100;

  private final String prefix;
  private final int accounts;
  private final boolean atomic;

  public BankWorkload(String prefix, int accounts, boolean atomic) {
    this.prefix = prefix;
    this.accounts = accounts;
    this.atomic = atomic;
  }

  public int accounts() {
    return accounts;
  }

  public long total() {
    return (long) accounts * INITIAL_BALANCE;
  }

  private Bytes account(int i) {
    return Bytes.utf8(prefix + "a" + i);
  }

  /** Opens every account with the initial balance, once (a transaction guarded on the first being absent). */
  public void setup(KvClient client) {
    List<Command> puts = new ArrayList<>();
    for (int i = 0; i < accounts; i++) {
      puts.add(new Command.Put(account(i), Bytes.utf8(String.valueOf(INITIAL_BALANCE))));
    }
    client.txn(new Command.Txn(List.of(Guard.absent(account(0))), puts, List.of()));
  }

  /** What a transfer attempt ended as. */
  public enum TransferOutcome { DONE, CONFLICT, UNKNOWN, FAILED }

  /** Moves a random amount between two random accounts; balances are read first, then guarded. */
  public TransferOutcome transfer(KvClient client, Random random) {
    int from = random.nextInt(accounts);
    int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
    try {
      KvResult.Get a = client.get(account(from));
      KvResult.Get b = client.get(account(to));
      long fromBalance = Long.parseLong(a.valueUtf8());
      long toBalance = Long.parseLong(b.valueUtf8());
      long amount = fromBalance == 0 ? 0 : 1 + random.nextInt((int) Math.min(fromBalance, 20));
      Command debit = new Command.Put(account(from), Bytes.utf8(String.valueOf(fromBalance - amount)));
      Command credit = new Command.Put(account(to), Bytes.utf8(String.valueOf(toBalance + amount)));
      if (!atomic) {
        client.put(account(from), Bytes.utf8(String.valueOf(fromBalance - amount)));
        client.put(account(to), Bytes.utf8(String.valueOf(toBalance + amount)));
        return TransferOutcome.DONE;
      }
      KvResult.Txn r = client.txn(new Command.Txn(
          List.of(Guard.modRevisionIs(account(from), a.modRevision()), Guard.modRevisionIs(account(to), b.modRevision())),
          List.of(debit, credit), List.of()));
      return r.succeeded() ? TransferOutcome.DONE : TransferOutcome.CONFLICT;
    } catch (KvIndeterminateException e) {
      return TransferOutcome.UNKNOWN;
    } catch (RuntimeException e) {
      return TransferOutcome.FAILED;
    }
  }

  /** Every balance in one linearizable scan, or null if the read failed. */
  public List<Long> readAll(KvClient client) {
    try {
      KvResult.Range r = client.prefix(Bytes.utf8(prefix), accounts + 1);
      List<Long> balances = new ArrayList<>();
      for (KeyValue kv : r.keyValues()) {
        balances.add(Long.parseLong(kv.value().toStringUtf8()));
      }
      return balances;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Null if {@code balances} is a valid bank state, else what is wrong with it. */
  public String violation(List<Long> balances) {
    if (balances.size() != accounts) {
      return "saw " + balances.size() + " accounts, expected " + accounts + ": " + balances;
    }
    long sum = 0;
    for (long b : balances) {
      if (b < 0) {
        return "negative balance: " + balances;
      }
      sum += b;
    }
    return sum == total() ? null : "total " + sum + " != " + total() + ": " + balances;
  }
}
