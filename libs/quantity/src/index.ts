export { QuantityError, bytes, cpuMillicores, parseQuantity } from './quantity';
