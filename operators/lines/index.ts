// Line operators: readChunks, splitLines, joinLines, the fused record stages and pipe().
export {};
