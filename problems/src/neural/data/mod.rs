//! Data sets: MultiMNIST generated from MNIST, the fairness tables, a user's CSV; splits and minibatches.
