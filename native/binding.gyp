{
  "targets": [
    {
      "target_name": "ncollapse_native",
      "sources": [
        "src/addon.cc",
        "src/handle.cc",
        "src/creation.cc",
        "src/pointwise.cc",
        "src/reduce_shape.cc",
        "src/nn_ops.cc",
        "src/linalg.cc",
        "src/autograd.cc"
      ],
      # src/distributed.cc is the static library ncollapse_distributed below: only it sees the
      # c10d headers and defines, so that the other translation units keep their flags.
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node find-libtorch.cjs include)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "<!@(node find-libtorch.cjs defines)"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=c++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": ["<!@(node find-libtorch.cjs libs)"],
      "dependencies": ["ncollapse_distributed"]
    },
    {
      "target_name": "ncollapse_distributed",
      "type": "static_library",
      "sources": ["src/distributed.cc"],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node find-libtorch.cjs include)",
        "<!@(node find-libtorch.cjs distributed-include)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "<!@(node find-libtorch.cjs defines)",
        "<!@(node find-libtorch.cjs distributed-defines)"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=c++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-fPIC", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"]
    }
  ]
}
