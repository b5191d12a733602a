// The training commands' ids (package.json declares them; the sidebar and the failure actions
// run them).

export const TRAIN_COMMAND = 'cnnExplorer.train';
export const STOP_COMMAND = 'cnnExplorer.stopTraining';
export const OPEN_RUN_FOLDER_COMMAND = 'cnnExplorer.openRunFolder';
