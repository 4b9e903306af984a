/** The installed package's directory. */
export declare const packageDir: string;
/** The asconfig preset a function's asconfig.json extends. */
export declare const asconfigPath: string;
/** The AssemblyScript SDK's directory (its entry is index.ts). */
export declare const assemblyDir: string;
