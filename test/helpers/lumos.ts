// Tests import Lumos through the Node entry, exactly as users do on Node.
export * from '../../adapters/node/index.js'
