// Where the hub's state changes go besides memory: nowhere (in memory), or the data dir's database (StateDb).
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.DeviceIdentity;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Receives every change of the durable hub state, called by the stores under their own locks <em>before</em> they
 * change memory, so the log sees changes in the order memory does. A call that returns has made the change durable
 * (it survives the process being killed); one that throws has changed nothing, and the store leaves memory as it was
 * and fails the caller's operation (docs/service-api.md §17).
 */
public interface StateLog {

  /** The log of an emulator without a data dir: keeps nothing. */
  StateLog NONE = new StateLog() {
    @Override
    public void identity(DeviceIdentity identity, IdentityMeta meta, long order) {}

    @Override
    public void identitiesRemoved(List<Identity> removed) {}

    @Override
    public void twin(Identity identity, String serviceView) {}

    @Override
    public void twinRemoved(Identity identity) {}

    @Override
    public void c2d(C2dEntry entry) {}

    @Override
    public void c2dRemoved(C2dEntry entry) {}

    @Override
    public void policy(String name, String key) {}

    @Override
    public void authority(X509Certificate certificate, boolean registered) {}

    @Override
    public void record(ServiceRecords.Key key, byte[] value) {}

    @Override
    public void recordsRemoved(List<ServiceRecords.Key> keys) {}
  };

  /** An identity was created or changed; {@code order} is its place in creation order. */
  void identity(DeviceIdentity identity, IdentityMeta meta, long order);

  /**
   * Identities were deleted (a device and its modules, in one atomic write that also drops their twins and queued
   * C2D messages).
   */
  void identitiesRemoved(List<Identity> removed);

  /** A twin changed; {@code serviceView} is its whole new service view (TwinStore#serviceView). */
  void twin(Identity identity, String serviceView);

  /** A twin was forgotten (its identity was deleted). */
  void twinRemoved(Identity identity);

  /** A C2D message was queued. */
  void c2d(C2dEntry entry);

  /** A C2D message left its queue (completed, expired, purged, or its device deleted). */
  void c2dRemoved(C2dEntry entry);

  /** A shared access policy got its key. */
  void policy(String name, String key);

  /** A CA certificate was registered ({@code registered}) or removed. */
  void authority(X509Certificate certificate, boolean registered);

  /** A record of the service face (jobs, feedback, file notifications: ServiceRecords) was written. */
  void record(ServiceRecords.Key key, byte[] value);

  /** Records of the service face were removed, in one atomic write. */
  void recordsRemoved(List<ServiceRecords.Key> keys);
}
