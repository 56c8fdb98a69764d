/**
 * The subset of onnx.proto (ONNX IR, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto3) needed
 * to write a small inference graph, encoded with protobufjs. Field numbers are the official ones.
 */
import protobuf from 'protobufjs'

const SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  AttributeType type = 20;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string domain = 7;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7; STRING = 8; BOOL = 9; }
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`

export const FLOAT = 1
export const INT64 = 7

export interface Tensor {
  name: string
  dims: number[]
  /** FLOAT tensors */
  floats?: Float32Array
  /** INT64 tensors */
  ints?: number[]
}

export interface Node {
  op: string
  inputs: string[]
  outputs: string[]
  attributes?: Record<string, number | number[] | { float: number }>
}

export interface GraphIO {
  name: string
  elemType: number
  /** numbers are fixed sizes, strings symbolic ones */
  shape: (number | string)[]
}

export interface Model {
  name: string
  opset: number
  nodes: Node[]
  initializers: Tensor[]
  inputs: GraphIO[]
  outputs: GraphIO[]
}

// keepCase: the objects below use the proto field names (snake_case)
const root = protobuf.parse(SCHEMA, { keepCase: true }).root
const ModelProto = root.lookupType('onnx.ModelProto')

function attribute(name: string, value: number | number[] | { float: number }) {
  if (Array.isArray(value)) return { name, type: 7, ints: value }
  if (typeof value === 'object') return { name, type: 1, f: value.float }
  return { name, type: 2, i: value }
}

function tensor(t: Tensor) {
  if (t.floats) {
    // raw_data is little-endian by the ONNX spec; write it through a DataView so the host order does not matter
    const bytes = new Uint8Array(t.floats.length * 4)
    const view = new DataView(bytes.buffer)
    t.floats.forEach((x, i) => view.setFloat32(i * 4, x, true))
    return { name: t.name, dims: t.dims, data_type: FLOAT, raw_data: bytes }
  }
  return { name: t.name, dims: t.dims, data_type: INT64, int64_data: t.ints }
}

function valueInfo(io: GraphIO) {
  return {
    name: io.name,
    type: { tensor_type: { elem_type: io.elemType, shape: { dim: io.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  }
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProto.fromObject({
    ir_version: 8,
    producer_name: 'lumos-tiny-bert',
    producer_version: '1',
    opset_import: [{ domain: '', version: model.opset }],
    graph: {
      name: model.name,
      node: model.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: model.initializers.map(tensor),
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
    },
  })
  return ModelProto.encode(message).finish()
}
