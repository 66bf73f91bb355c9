#!/usr/bin/env python3
"""The Python side of modal-swift's protobuf conformance and differential tests.

Uses the real `modal_proto` of the `modal` wheel (1.6.4) as the reference.

  modal_proto_interop.py describe   prints the schema of modal_proto/api.proto as JSON
  modal_proto_interop.py serve      answers one command per line on stdin, one line each on stdout:
      subset <MessageFullName> <n,n,...|->   restrict random messages of that type to these field numbers
      (hex "-" stands for no bytes)
      reencode <MessageFullName> <hex>       parse with modal_proto, print "ok <hex>" of the deterministic
                                             re-serialization, or "error <reason>"
      random <MessageFullName> <seed>        print "ok <hex>" of a random message (deterministic serialization)
      equal <MessageFullName> <hex> <hex>    print "ok true" or "ok false": do both parse to equal messages?

Note: Python's upb runtime writes map entries whose string keys are prefixes of each other longest
first ("ab" before "a"), unlike protoc's C++ and Go runtimes and modal-swift (plain byte order).
"""
import json
import random
import struct
import sys

from google.protobuf import descriptor_pb2, message_factory
import modal_proto.api_pb2 as api_pb2

POOL = api_pb2.DESCRIPTOR.pool
LABELS = {1: "optional", 2: "required", 3: "repeated"}


def describe():
    """The file descriptor of modal_proto/api.proto as plain JSON."""
    proto = descriptor_pb2.FileDescriptorProto()
    api_pb2.DESCRIPTOR.CopyToProto(proto)
    messages, enums = {}, {}

    def add_enum(enum, scope):
        enums[scope + enum.name] = [{"name": v.name, "number": v.number} for v in enum.value]

    def add_message(message, scope):
        full = scope + message.name
        fields = []
        for field in message.field:
            oneof = None
            if field.HasField("oneof_index") and not field.proto3_optional:
                oneof = message.oneof_decl[field.oneof_index].name
            fields.append({
                "name": field.name, "number": field.number, "type": field.type, "label": field.label,
                "type_name": field.type_name or None, "oneof": oneof,
                "proto3_optional": field.proto3_optional,
            })
        messages[full] = {"map_entry": message.options.map_entry, "fields": fields}
        for nested in message.nested_type:
            add_message(nested, full + ".")
        for enum in message.enum_type:
            add_enum(enum, full + ".")

    scope = proto.package + "."
    for message in proto.message_type:
        add_message(message, scope)
    for enum in proto.enum_type:
        add_enum(enum, scope)
    services = {}
    for service in proto.service:
        services[scope + service.name] = [
            {"name": m.name, "input": m.input_type, "output": m.output_type,
             "client_streaming": m.client_streaming, "server_streaming": m.server_streaming}
            for m in service.method]
    json.dump({"messages": messages, "enums": enums, "services": services}, sys.stdout, sort_keys=True)


def unhex(text):
    """Bytes from hex; "-" stands for no bytes."""
    return b"" if text == "-" else bytes.fromhex(text)


def message_class(full_name):
    return message_factory.GetMessageClass(POOL.FindMessageTypeByName(full_name))


def is_map(field):
    return field.message_type is not None and field.message_type.GetOptions().map_entry


TEXT = ["", "a", "ak-1", "é", "世界", "🎉", "x y", "\u0000", "ß\n"]


def random_scalar(field, rng):
    t = field.type
    if t in (field.TYPE_INT32, field.TYPE_SINT32, field.TYPE_SFIXED32):
        return rng.choice([0, 1, -1, 2**31 - 1, -2**31, rng.randint(-2**31, 2**31 - 1)])
    if t in (field.TYPE_INT64, field.TYPE_SINT64, field.TYPE_SFIXED64):
        return rng.choice([0, -1, 2**63 - 1, -2**63, rng.randint(-2**63, 2**63 - 1)])
    if t in (field.TYPE_UINT32, field.TYPE_FIXED32):
        return rng.choice([0, 1, 2**32 - 1, rng.randint(0, 2**32 - 1)])
    if t in (field.TYPE_UINT64, field.TYPE_FIXED64):
        return rng.choice([0, 2**64 - 1, rng.randint(0, 2**64 - 1)])
    if t == field.TYPE_BOOL:
        return rng.random() < 0.5
    if t == field.TYPE_FLOAT:
        value = rng.choice([0.0, -0.0, 1.5, float("inf"), -float("inf"), rng.uniform(-1e6, 1e6)])
        return struct.unpack("<f", struct.pack("<f", value))[0]
    if t == field.TYPE_DOUBLE:
        return rng.choice([0.0, -0.0, 1.5, float("inf"), 1.7e308, rng.uniform(-1e12, 1e12)])
    if t == field.TYPE_STRING:
        return "".join(rng.choice(TEXT) for _ in range(rng.randint(0, 4)))
    if t == field.TYPE_BYTES:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 6)))
    if t == field.TYPE_ENUM:
        numbers = [v.number for v in field.enum_type.values]
        return rng.choice(numbers + [99])  # proto3 enums are open: unknown numbers are kept
    raise ValueError("unsupported field type %d" % t)


def fill(message, subsets, rng, depth):
    descriptor = message.DESCRIPTOR
    allowed = subsets.get(descriptor.full_name)
    for field in descriptor.fields:
        if allowed is not None and field.number not in allowed:
            continue
        if rng.random() < 0.35:
            continue
        target = getattr(message, field.name)
        if is_map(field):
            key_field, value_field = field.message_type.fields_by_number[1], field.message_type.fields_by_number[2]
            for _ in range(rng.randint(0, 3)):
                key = random_scalar(key_field, rng)
                if value_field.message_type is not None:
                    if depth < 3:
                        fill(target[key], subsets, rng, depth + 1)
                else:
                    target[key] = random_scalar(value_field, rng)
        elif field.is_repeated:
            for _ in range(rng.randint(0, 3)):
                if field.message_type is not None:
                    if depth < 3:
                        fill(target.add(), subsets, rng, depth + 1)
                else:
                    target.append(random_scalar(field, rng))
        elif field.message_type is not None:
            if depth < 3:
                target.SetInParent()
                fill(target, subsets, rng, depth + 1)
        else:
            setattr(message, field.name, random_scalar(field, rng))


def serve():
    subsets = {}
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        try:
            command = parts[0]
            if command == "subset":
                subsets[parts[1]] = set() if parts[2] == "-" else {int(n) for n in parts[2].split(",")}
                print("ok")
            elif command == "reencode":
                message = message_class(parts[1])()
                message.ParseFromString(unhex(parts[2]))
                print("ok " + (message.SerializeToString(deterministic=True).hex() or "-"))
            elif command == "equal":
                first, second = message_class(parts[1])(), message_class(parts[1])()
                first.ParseFromString(unhex(parts[2]))
                second.ParseFromString(unhex(parts[3]))
                print("ok " + ("true" if first == second else "false"))
            elif command == "random":
                message = message_class(parts[1])()
                fill(message, subsets, random.Random(int(parts[2])), 0)
                print("ok " + (message.SerializeToString(deterministic=True).hex() or "-"))
            else:
                print("error unknown command " + command)
        except Exception as error:  # noqa: BLE001 - every failure is reported to the Swift side
            print("error " + type(error).__name__ + ": " + str(error).replace("\n", " "))
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("describe", "serve"):
        sys.exit("usage: modal_proto_interop.py describe|serve")
    describe() if sys.argv[1] == "describe" else serve()
