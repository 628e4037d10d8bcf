// A small reader of HotSpot heap dumps (HPROF 1.0.2): only what owner attribution needs.
package io.rxiothub.benchmarks.heap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The objects of one heap dump (HPROF 1.0.2 as {@code HotSpotDiagnosticMXBean.dumpHeap} writes it): for each
 * object its id, kind, class and shallow size, its outgoing references on demand, and the GC roots. Class objects
 * are objects too; their static reference fields are their references. Sizes assume what a HotSpot JVM with a heap
 * under 32 GB uses: compressed references (4 bytes) and class pointers (12-byte object header, 16-byte array
 * header), 8-byte alignment; fields are summed, so a layout with gaps may be a few bytes larger than this says.
 */
final class Hprof {

  static final byte INSTANCE = 1;
  static final byte OBJECT_ARRAY = 2;
  static final byte PRIMITIVE_ARRAY = 3;
  static final byte CLASS = 4;

  private static final int REF_SIZE = 4;
  private static final int HEADER = 12;
  private static final int ARRAY_HEADER = 16;

  private final ByteBuffer buf;
  private final int idSize;
  private final Map<Long, String> strings = new HashMap<>();
  private final Map<Long, String> classNames = new HashMap<>();
  private final Map<Long, ClassInfo> classes = new HashMap<>();
  private final IdIndex index = new IdIndex();
  private long[] ids = new long[1 << 16];
  private int[] offsets = new int[1 << 16];
  private byte[] kinds = new byte[1 << 16];
  private int count;
  private long[] rootIds = new long[1 << 12];
  private int rootCount;

  /** One class: its name, super class, instance field types (declared order) and static references. */
  private static final class ClassInfo {
    final long id;
    final long superId;
    final byte[] fieldTypes;
    final long[] staticRefs;
    String name = "?";
    /** Offsets of the reference fields in an instance's field data, this class first, then its supers. */
    int[] refOffsets;
    int shallowSize = -1;

    ClassInfo(long id, long superId, byte[] fieldTypes, long[] staticRefs) {
      this.id = id;
      this.superId = superId;
      this.fieldTypes = fieldTypes;
      this.staticRefs = staticRefs;
    }
  }

  private Hprof(ByteBuffer buf) {
    this.buf = buf;
    int p = 0;
    while (buf.get(p) != 0) {
      p++;
    }
    String format = new String(bytes(0, p), StandardCharsets.US_ASCII);
    if (!format.startsWith("JAVA PROFILE 1.0")) {
      throw new IllegalArgumentException("not an HPROF heap dump: header '" + format + "'");
    }
    idSize = buf.getInt(p + 1);
    if (idSize != 4 && idSize != 8) {
      throw new IllegalArgumentException("HPROF identifier size " + idSize + " is neither 4 nor 8");
    }
    parse(p + 1 + 4 + 8);
    for (ClassInfo c : classes.values()) {
      c.name = classNames.getOrDefault(c.id, "?").replace('/', '.');
    }
  }

  /** Reads the dump at {@code file} (memory-mapped; at most 2 GB). */
  static Hprof read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        throw new IOException("heap dump " + file + " is larger than 2 GB; dump fewer clients");
      }
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      return new Hprof(m);
    }
  }

  private byte[] bytes(int from, int length) {
    byte[] b = new byte[length];
    buf.get(from, b);
    return b;
  }

  private long id(int p) {
    return idSize == 8 ? buf.getLong(p) : buf.getInt(p) & 0xFFFFFFFFL;
  }

  private int typeSize(int type) {
    switch (type) {
      case 2:
        return idSize;
      case 4:
      case 8:
        return 1;
      case 5:
      case 9:
        return 2;
      case 6:
      case 10:
        return 4;
      case 7:
      case 11:
        return 8;
      default:
        throw new IllegalArgumentException("unknown HPROF basic type " + type);
    }
  }

  private static int heapSize(int type) {
    return type == 2 ? REF_SIZE : type == 4 || type == 8 ? 1 : type == 5 || type == 9 ? 2
        : type == 6 || type == 10 ? 4 : 8;
  }

  private void parse(int start) {
    int p = start;
    int limit = buf.limit();
    while (p < limit) {
      int tag = buf.get(p) & 0xFF;
      long length = buf.getInt(p + 5) & 0xFFFFFFFFL;
      int body = p + 9;
      if (tag == 0x01) {
        strings.put(id(body), new String(bytes(body + idSize, (int) length - idSize), StandardCharsets.UTF_8));
      } else if (tag == 0x02) {
        long classId = id(body + 4);
        long nameId = id(body + 8 + idSize);
        classNames.put(classId, strings.getOrDefault(nameId, "?"));
      } else if (tag == 0x0C || tag == 0x1C) {
        heap(body, (int) (body + length));
      }
      p = (int) (body + length);
    }
  }

  private void heap(int from, int end) {
    int p = from;
    while (p < end) {
      int t = buf.get(p++) & 0xFF;
      switch (t) {
        case 0xFF: // unknown
        case 0x05: // sticky class
        case 0x07: // monitor used
          root(id(p));
          p += idSize;
          break;
        case 0x01: // JNI global
          root(id(p));
          p += 2 * idSize;
          break;
        case 0x02: // JNI local
        case 0x03: // Java frame
        case 0x08: // thread object
          root(id(p));
          p += idSize + 8;
          break;
        case 0x04: // native stack
        case 0x06: // thread block
          root(id(p));
          p += idSize + 4;
          break;
        case 0x20:
          p = classDump(p);
          break;
        case 0x21: {
          add(id(p), p, INSTANCE);
          int n = buf.getInt(p + idSize + 4 + idSize);
          p += idSize + 4 + idSize + 4 + n;
          break;
        }
        case 0x22: {
          add(id(p), p, OBJECT_ARRAY);
          int n = buf.getInt(p + idSize + 4);
          p += idSize + 8 + idSize + n * idSize;
          break;
        }
        case 0x23: {
          add(id(p), p, PRIMITIVE_ARRAY);
          int n = buf.getInt(p + idSize + 4);
          int type = buf.get(p + idSize + 8);
          p += idSize + 9 + n * typeSize(type);
          break;
        }
        default:
          throw new IllegalArgumentException("unknown HPROF heap record 0x" + Integer.toHexString(t) + " at " + (p - 1));
      }
    }
  }

  private int classDump(int start) {
    int p = start;
    long classId = id(p);
    p += idSize + 4;
    long superId = id(p);
    p += 6 * idSize + 4;
    int constants = buf.getShort(p) & 0xFFFF;
    p += 2;
    for (int i = 0; i < constants; i++) {
      int type = buf.get(p + 2);
      p += 3 + typeSize(type);
    }
    int statics = buf.getShort(p) & 0xFFFF;
    p += 2;
    long[] refs = new long[statics];
    int nrefs = 0;
    for (int i = 0; i < statics; i++) {
      int type = buf.get(p + idSize);
      if (type == 2) {
        refs[nrefs++] = id(p + idSize + 1);
      }
      p += idSize + 1 + typeSize(type);
    }
    int fields = buf.getShort(p) & 0xFFFF;
    p += 2;
    byte[] types = new byte[fields];
    for (int i = 0; i < fields; i++) {
      types[i] = buf.get(p + idSize);
      p += idSize + 1;
    }
    classes.put(classId, new ClassInfo(classId, superId, types, Arrays.copyOf(refs, nrefs)));
    add(classId, start, CLASS);
    return p;
  }

  private void root(long id) {
    if (rootCount == rootIds.length) {
      rootIds = Arrays.copyOf(rootIds, rootCount * 2);
    }
    rootIds[rootCount++] = id;
  }

  private void add(long id, int offset, byte kind) {
    if (count == ids.length) {
      ids = Arrays.copyOf(ids, count * 2);
      offsets = Arrays.copyOf(offsets, count * 2);
      kinds = Arrays.copyOf(kinds, count * 2);
    }
    index.put(id, count);
    ids[count] = id;
    offsets[count] = offset;
    kinds[count] = kind;
    count++;
  }

  /** Number of objects (class objects included). */
  int count() {
    return count;
  }

  /** Object index of a GC root id, or -1 when the dump holds no such object. */
  int[] roots() {
    int[] r = new int[rootCount];
    int n = 0;
    for (int i = 0; i < rootCount; i++) {
      int o = index.get(rootIds[i]);
      if (o >= 0) {
        r[n++] = o;
      }
    }
    return Arrays.copyOf(r, n);
  }

  byte kind(int o) {
    return kinds[o];
  }

  /** The class of an instance or array, or for a class object the class it describes. */
  String className(int o) {
    switch (kinds[o]) {
      case INSTANCE:
        return classOf(id(offsets[o] + idSize + 4)).name;
      case OBJECT_ARRAY:
        return classOf(id(offsets[o] + idSize + 8)).name;
      case PRIMITIVE_ARRAY:
        return primitiveArrayName(buf.get(offsets[o] + idSize + 8));
      default:
        return classOf(ids[o]).name;
    }
  }

  private static String primitiveArrayName(int type) {
    switch (type) {
      case 4:
        return "boolean[]";
      case 5:
        return "char[]";
      case 6:
        return "float[]";
      case 7:
        return "double[]";
      case 8:
        return "byte[]";
      case 9:
        return "short[]";
      case 10:
        return "int[]";
      default:
        return "long[]";
    }
  }

  private ClassInfo classOf(long classId) {
    ClassInfo c = classes.get(classId);
    if (c == null) {
      throw new IllegalStateException("heap dump names class 0x" + Long.toHexString(classId) + " but has no dump of it");
    }
    return c;
  }

  /** Shallow size in bytes on the heap; 0 for class objects (shared, not per client). */
  long size(int o) {
    int p = offsets[o];
    switch (kinds[o]) {
      case INSTANCE:
        return layout(classOf(id(p + idSize + 4))).shallowSize;
      case OBJECT_ARRAY:
        return align(ARRAY_HEADER + (long) buf.getInt(p + idSize + 4) * REF_SIZE);
      case PRIMITIVE_ARRAY:
        return align(ARRAY_HEADER + (long) buf.getInt(p + idSize + 4) * heapSize(buf.get(p + idSize + 8)));
      default:
        return 0;
    }
  }

  private static long align(long n) {
    return (n + 7) & ~7L;
  }

  private ClassInfo layout(ClassInfo c) {
    if (c.refOffsets != null) {
      return c;
    }
    int[] refs = new int[8];
    int nrefs = 0;
    int dumpOffset = 0;
    long heapBytes = 0;
    for (ClassInfo k = c; k != null; k = k.superId == 0 ? null : classOf(k.superId)) {
      for (byte type : k.fieldTypes) {
        if (type == 2) {
          if (nrefs == refs.length) {
            refs = Arrays.copyOf(refs, nrefs * 2);
          }
          refs[nrefs++] = dumpOffset;
        }
        dumpOffset += typeSize(type);
        heapBytes += heapSize(type);
      }
    }
    c.shallowSize = (int) align(HEADER + heapBytes);
    c.refOffsets = Arrays.copyOf(refs, nrefs);
    return c;
  }

  /** Calls {@code visitor} with the index of each object {@code o} references (unknown ids and nulls skipped). */
  void references(int o, java.util.function.IntConsumer visitor) {
    int p = offsets[o];
    switch (kinds[o]) {
      case INSTANCE: {
        ClassInfo c = layout(classOf(id(p + idSize + 4)));
        int data = p + idSize + 4 + idSize + 4;
        for (int off : c.refOffsets) {
          visit(id(data + off), visitor);
        }
        break;
      }
      case OBJECT_ARRAY: {
        int n = buf.getInt(p + idSize + 4);
        int data = p + idSize + 8 + idSize;
        for (int i = 0; i < n; i++) {
          visit(id(data + i * idSize), visitor);
        }
        break;
      }
      case CLASS:
        for (long r : classOf(ids[o]).staticRefs) {
          visit(r, visitor);
        }
        break;
      default:
        break;
    }
  }

  private void visit(long id, java.util.function.IntConsumer visitor) {
    if (id != 0) {
      int t = index.get(id);
      if (t >= 0) {
        visitor.accept(t);
      }
    }
  }

  /** Open-addressing map from object id to object index. */
  private static final class IdIndex {
    private long[] keys = new long[1 << 17];
    private int[] values = new int[1 << 17];
    private int size;

    void put(long key, int value) {
      if (size * 2 >= keys.length) {
        grow();
      }
      int mask = keys.length - 1;
      int i = hash(key) & mask;
      while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & mask;
      }
      if (keys[i] == 0) {
        size++;
      }
      keys[i] = key;
      values[i] = value;
    }

    int get(long key) {
      int mask = keys.length - 1;
      int i = hash(key) & mask;
      while (keys[i] != 0) {
        if (keys[i] == key) {
          return values[i];
        }
        i = (i + 1) & mask;
      }
      return -1;
    }

    private static int hash(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }

    private void grow() {
      long[] k = keys;
      int[] v = values;
      keys = new long[k.length * 2];
      values = new int[k.length * 2];
      size = 0;
      for (int i = 0; i < k.length; i++) {
        if (k[i] != 0) {
          put(k[i], v[i]);
        }
      }
    }
  }
}
