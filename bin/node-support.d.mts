// Types of node-support.mjs (plain JavaScript so that bin/erpbi.mjs can run it before tsx loads).
export declare const supportedNode: string;
export declare function supportedLines(range?: string): number[];
export declare function nodeSupportProblem(version?: string, range?: string): string | undefined;
export declare function refuseUnsupportedNode(version?: string): void;
